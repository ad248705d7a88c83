package survey

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a civil date (year, month, day) with no time of day. Dates are read
// in Stockholm: "today" is today in Europe/Stockholm.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is how dates are written in the API: YYYY-MM-DD.
const dateLayout = "2006-01-02"

// ParseDate reads a date written YYYY-MM-DD; anything else, or a day that is
// not in the calendar, is an error.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		return Date{}, fmt.Errorf("datum %q: skriv ÅÅÅÅ-MM-DD", s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// DateOf returns the date of instant t in Stockholm.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Stockholm).Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String writes the date as YYYY-MM-DD ("" when unset).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Start is the first instant of the day in Stockholm.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Stockholm) }

// End is the first instant after the day in Stockholm: the next day's
// midnight. A day is 23 or 25 hours long when the clocks change, so this is
// not Start plus 24 hours.
func (d Date) End() time.Time { return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, Stockholm) }

// AddDays returns the date n days later (earlier when n is negative).
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// Before reports whether d comes before o.
func (d Date) Before(o Date) bool { return d.utc().Before(o.utc()) }

// DaysUntil returns the number of calendar days from d to o: 1 from a day to
// the next, negative when o is earlier.
func (d Date) DaysUntil(o Date) int {
	return int(o.utc().Sub(d.utc()).Hours() / 24)
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// MarshalJSON writes the date as "YYYY-MM-DD", or null when unset.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" (or null).
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}
