package survey

import (
	"sort"
	"time"
)

// YearReport is the yearly report for the storting (årsrapport): what the
// villages and the municipality did in a year, computed from the records
// when read. It names no person: actions are told by their owner (the
// group, the municipality, both) and department, since the plan's
// "responsible" and "done by" are free text that may be a person's name.
type YearReport struct {
	Year     int            `json:"year"`
	MinN     int            `json:"min_n"`
	Actions  ReportActions  `json:"actions"`
	Surveys  ReportSurveys  `json:"surveys"`
	Remisses ReportRemisses `json:"remisses"`
	// Money is nil when the year has no fund.
	Money   *ReportMoney   `json:"money"`
	Matters *ReportMatters `json:"matters"`
}

// ReportActions is the actions done in the year.
type ReportActions struct {
	Done         int            `json:"done"`
	ByOwner      map[string]int `json:"by_owner"`
	ByDepartment []ReportCount  `json:"by_department"`
	ByVillage    []ReportCount  `json:"by_village"`
	List         []ReportAction `json:"list"`
}

// ReportCount is a count under a name (a department, a village).
type ReportCount struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	N    int    `json:"n"`
}

// ReportAction is one action done: where, what, when, by which owner and
// department.
type ReportAction struct {
	Village    string `json:"village"`
	Title      string `json:"title"`
	DoneOn     Date   `json:"done_on"`
	Owner      string `json:"owner"`
	Department string `json:"department,omitempty"`
}

// ReportSurveys is the surveys open at some time in the year with their
// participation: villages under min_n are counted but not shown, and the
// totals add up only the villages shown.
type ReportSurveys struct {
	Count     int            `json:"count"`
	Responses int            `json:"responses"`
	List      []ReportSurvey `json:"list"`
}

// ReportSurvey is one survey's participation per village.
type ReportSurvey struct {
	ID        string                `json:"id"`
	Title     string                `json:"title"`
	Status    string                `json:"status"`
	Opened    Date                  `json:"opened"`
	Closed    Date                  `json:"closed"`
	Villages  []ReportParticipation `json:"villages"`
	Responses int                   `json:"responses"`
	// UnderMinN is how many villages had fewer than min_n responses.
	UnderMinN int `json:"under_min_n"`
}

// ReportParticipation is a village's responses to a survey; nil when fewer
// than min_n answered.
type ReportParticipation struct {
	Village   string `json:"village"`
	Responses *int   `json:"responses"`
}

// ReportRemisses is the remiss rounds sent in the year and their answers.
type ReportRemisses struct {
	Rounds  int            `json:"rounds"`
	Asked   int            `json:"asked"`
	Answers int            `json:"answers"`
	Counts  map[string]int `json:"counts"`
	List    []ReportRemiss `json:"list"`
}

// ReportRemiss is one round: the proposal, the villages asked and
// answering, the stances, and the proposal's decision when there is one.
type ReportRemiss struct {
	ID       string         `json:"id"`
	Proposal string         `json:"proposal"`
	Sent     Date           `json:"sent"`
	Deadline Date           `json:"deadline"`
	Asked    int            `json:"asked"`
	Answered int            `json:"answered"`
	Counts   map[string]int `json:"counts"`
	Outcome  string         `json:"outcome,omitempty"`
}

// ReportMoney is the year's bygdepeng, recounted from its ledger
// (reversed entries taken off): what there was, granted (basic grants and
// investments), paid, given back and left, and per village.
type ReportMoney struct {
	TotalSEK       int64                `json:"total_sek"`
	GrantedSEK     int64                `json:"granted_sek"`
	BasicGrantsSEK int64                `json:"basic_grants_sek"`
	PaidSEK        int64                `json:"paid_sek"`
	ReturnedSEK    int64                `json:"returned_sek"`
	RemainingSEK   int64                `json:"remaining_sek"`
	ByVillage      []ReportVillageMoney `json:"by_village"`
}

// ReportVillageMoney is one village's money of the year.
type ReportVillageMoney struct {
	Village    string `json:"village"`
	GrantedSEK int64  `json:"granted_sek"`
	PaidSEK    int64  `json:"paid_sek"`
}

func reportMoney(l Ledger) *ReportMoney {
	t := l.Sum()
	rm := &ReportMoney{TotalSEK: l.TotalSEK, GrantedSEK: t.AllocatedSEK, BasicGrantsSEK: t.BasicGrantsSEK, PaidSEK: t.PaidSEK,
		ReturnedSEK: t.ReturnedSEK, RemainingSEK: t.Remaining(l.TotalSEK), ByVillage: []ReportVillageMoney{}}
	byVillage := map[string]*Totals{}
	var order []string
	for _, v := range l.Entries {
		if v.Village != "" && byVillage[v.Village] == nil {
			byVillage[v.Village] = &Totals{}
			order = append(order, v.Village)
		}
	}
	byID := map[string]LedgerEntry{}
	for _, e := range l.Entries {
		byID[e.ID] = e
		sign, kind := int64(1), e.Kind
		if e.Kind == EntryReverse {
			sign, kind = -1, byID[e.Reverses].Kind
		}
		if t := byVillage[e.Village]; t != nil {
			add(t, kind, e.Ref, sign*e.AmountSEK)
		}
	}
	sort.Strings(order)
	for _, v := range order {
		rm.ByVillage = append(rm.ByVillage, ReportVillageMoney{Village: v, GrantedSEK: byVillage[v].AllocatedSEK, PaidSEK: byVillage[v].PaidSEK})
	}
	return rm
}

// ReportMatters is the matters raised in the year, and those first
// answered in the year with how many of them on time (on or before the
// feedback date they had then, as the department figures count it).
type ReportMatters struct {
	Raised   int `json:"raised"`
	Answered int `json:"answered"`
	OnTime   int `json:"on_time"`
}

func reportMatters(year int, matters []Matter) *ReportMatters {
	rm := &ReportMatters{}
	for i := range matters {
		m := &matters[i]
		if m.RaisedOn.Year == year {
			rm.Raised++
		}
		answered, due := firstAnswer(m)
		if answered.IsZero() || answered.Year != year {
			continue
		}
		rm.Answered++
		if !due.Before(answered) {
			rm.OnTime++
		}
	}
	return rm
}

// YearReportInput is the records a yearly report is computed from.
type YearReportInput struct {
	Actions     []PlanAction
	Departments map[string]string // id → name
	Surveys     []*Survey
	// Tallies holds each survey's per-village tallies (by survey id).
	Tallies   map[string][]Tally
	Rounds    []*Remiss
	Answers   []RemissAnswer
	Proposals map[string]*Proposal
	// Matters is every matter (nil: matters are not kept).
	Matters []Matter
	// Fund is the year's fund with its ledger (nil: none for the year).
	Fund *Ledger
}

// YearBounds is the first instant of the year and of the next, in Stockholm.
func YearBounds(year int) (time.Time, time.Time) {
	return time.Date(year, time.January, 1, 0, 0, 0, 0, Stockholm), time.Date(year+1, time.January, 1, 0, 0, 0, 0, Stockholm)
}

// SurveyInYear reports whether a survey was open at some moment of the
// year: opened before it ended and not closed before it began.
func SurveyInYear(sv *Survey, year int) bool {
	start, end := YearBounds(year)
	if sv.Opened == nil || !sv.Opened.Before(end) {
		return false
	}
	return sv.Status != Closed || sv.Closed == nil || !sv.Closed.Before(start)
}

// RemissInYear reports whether a round was sent in the year.
func RemissInYear(r *Remiss, year int) bool { return DateOf(r.Sent).Year == year }

// BuildYearReport computes the report of the year from the records.
func BuildYearReport(year, minN int, in YearReportInput) YearReport {
	rep := YearReport{Year: year, MinN: minN}
	rep.Actions = reportActions(year, in)
	rep.Surveys = reportSurveys(year, minN, in)
	rep.Remisses = reportRemisses(year, in)
	if in.Matters != nil {
		rep.Matters = reportMatters(year, in.Matters)
	}
	if in.Fund != nil {
		rep.Money = reportMoney(*in.Fund)
	}
	return rep
}

func reportActions(year int, in YearReportInput) ReportActions {
	ra := ReportActions{ByOwner: map[string]int{}, ByDepartment: []ReportCount{}, ByVillage: []ReportCount{}, List: []ReportAction{}}
	deps, villages := map[string]int{}, map[string]int{}
	for _, a := range in.Actions {
		if a.Status != ActionDone || a.DoneOn.Year != year {
			continue
		}
		ra.Done++
		ra.ByOwner[a.Owner]++
		if a.Department != "" {
			deps[a.Department]++
		}
		villages[a.Village]++
		ra.List = append(ra.List, ReportAction{Village: a.Village, Title: a.Title, DoneOn: a.DoneOn, Owner: a.Owner,
			Department: in.Departments[a.Department]})
	}
	for id, n := range deps {
		ra.ByDepartment = append(ra.ByDepartment, ReportCount{Key: id, Name: in.Departments[id], N: n})
	}
	for v, n := range villages {
		ra.ByVillage = append(ra.ByVillage, ReportCount{Key: v, N: n})
	}
	byCount := func(c []ReportCount) {
		sort.Slice(c, func(i, j int) bool { return c[i].N > c[j].N || c[i].N == c[j].N && c[i].Key < c[j].Key })
	}
	byCount(ra.ByDepartment)
	byCount(ra.ByVillage)
	sort.SliceStable(ra.List, func(i, j int) bool {
		a, b := ra.List[i], ra.List[j]
		if a.DoneOn != b.DoneOn {
			return a.DoneOn.Before(b.DoneOn)
		}
		return a.Village < b.Village
	})
	return ra
}

func reportSurveys(year, minN int, in YearReportInput) ReportSurveys {
	rs := ReportSurveys{List: []ReportSurvey{}}
	for _, sv := range in.Surveys {
		if !SurveyInYear(sv, year) {
			continue
		}
		r := ReportSurvey{ID: sv.ID, Title: sv.Title, Status: sv.Status, Villages: []ReportParticipation{}}
		if sv.Opened != nil {
			r.Opened = DateOf(*sv.Opened)
		}
		if sv.Status == Closed && sv.Closed != nil {
			r.Closed = DateOf(*sv.Closed)
		}
		n := map[string]int{}
		for _, t := range in.Tallies[sv.ID] {
			n[t.Village] += t.Responses
		}
		for _, v := range sv.Villages {
			p := ReportParticipation{Village: v}
			if n[v] >= minN {
				count := n[v]
				p.Responses = &count
				r.Responses += count
			} else {
				r.UnderMinN++
			}
			r.Villages = append(r.Villages, p)
		}
		rs.Count++
		rs.Responses += r.Responses
		rs.List = append(rs.List, r)
	}
	sort.SliceStable(rs.List, func(i, j int) bool { return rs.List[i].Opened.Before(rs.List[j].Opened) })
	return rs
}

func reportRemisses(year int, in YearReportInput) ReportRemisses {
	rr := ReportRemisses{Counts: map[string]int{}, List: []ReportRemiss{}}
	for _, st := range Stances {
		rr.Counts[st] = 0
	}
	for _, r := range in.Rounds {
		if !RemissInYear(r, year) {
			continue
		}
		row := ReportRemiss{ID: r.ID, Sent: DateOf(r.Sent), Deadline: r.Deadline, Asked: len(r.Villages), Counts: map[string]int{}}
		for _, st := range Stances {
			row.Counts[st] = 0
		}
		if p := in.Proposals[r.Proposal]; p != nil {
			row.Proposal = p.Title
			if p.Decision != nil {
				row.Outcome = p.Decision.Outcome
			}
		}
		for _, a := range in.Answers {
			if a.Remiss != r.ID || !r.HasVillage(a.Village) {
				continue
			}
			row.Answered++
			row.Counts[a.Stance]++
			rr.Counts[a.Stance]++
		}
		rr.Rounds++
		rr.Asked += row.Asked
		rr.Answers += row.Answered
		rr.List = append(rr.List, row)
	}
	sort.SliceStable(rr.List, func(i, j int) bool { return rr.List[i].Sent.Before(rr.List[j].Sent) })
	return rr
}
