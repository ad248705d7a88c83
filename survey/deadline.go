package survey

import "time"

// PlanDue is the day a village's plan for a year is to be submitted: the
// last day of March of that year, before the forum's spring meeting in
// April. The calendar shows it while the plan is not submitted.
func PlanDue(year int) Date { return Date{Year: year, Month: time.March, Day: 31} }
