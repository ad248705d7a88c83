package survey

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kinds of timeline events, each in a family (the part before "_") that a
// filter may name instead of the kind.
const (
	EventSurveyOpened     = "survey_opened"
	EventSurveyClosed     = "survey_closed"
	EventRemissAnswered   = "remiss_answered"
	EventPlanSaved        = "plan_saved"
	EventPlanAdopted      = "plan_adopted"
	EventPlanSubmitted    = "plan_submitted"
	EventPlanAcknowledged = "plan_acknowledged"
	EventActionDone       = "action_done"
	EventMatterRaised     = "matter_raised"
	EventMatterAnswered   = "matter_answered"
	EventMeetingDecision  = "meeting_decision"
	EventGrantAllocated   = "grant_allocated"
	EventGrantPaid        = "grant_paid"
)

// EventKinds lists every kind a timeline knows; sources of records that
// arrive later (matters, meetings, money) add theirs here.
var EventKinds = []string{
	EventSurveyOpened, EventSurveyClosed, EventRemissAnswered,
	EventPlanSaved, EventPlanAdopted, EventPlanSubmitted, EventPlanAcknowledged,
	EventActionDone,
	EventMatterRaised, EventMatterAnswered, EventMeetingDecision,
	EventGrantAllocated, EventGrantPaid,
}

// EventFamily is the family of a kind: "survey" of "survey_opened".
func EventFamily(kind string) string {
	family, _, _ := strings.Cut(kind, "_")
	return family
}

// Event is one thing that happened to a village, built from a record when
// the timeline is read (never stored). Public events may be shown to anyone;
// the others only to signed-in readers of the village.
type Event struct {
	// ID is stable for the same record: "<kind>:<record>", for a plan's
	// version "plan:<plan>/v<000005>".
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	Date   Date      `json:"date"`
	Title  string    `json:"title"`
	Public bool      `json:"public"`
	// Link is the page of the record (a path), when there is one.
	Link string `json:"link,omitempty"`
	// Responses is the village's participation in a closed survey; nil when
	// fewer than min_n answered (Suppressed).
	Responses  *int `json:"responses,omitempty"`
	Suppressed bool `json:"suppressed,omitempty"`
	// Stance and Anchoring of a remiss answer.
	Stance    string `json:"stance,omitempty"`
	Anchoring string `json:"anchoring,omitempty"`
	// Participants of an adoption or an anchoring meeting.
	Participants int `json:"participants,omitempty"`
	// Version and Status of a plan version; Method how it was adopted.
	Version int    `json:"version,omitempty"`
	Status  string `json:"status,omitempty"`
	Method  string `json:"method,omitempty"`
	// Owner and Department of an action done; DoneBy (free text, possibly a
	// person) only for signed-in readers.
	Owner      string `json:"owner,omitempty"`
	Department string `json:"department,omitempty"`
	DoneBy     string `json:"done_by,omitempty"`
	// Ref is a record's reference number (a matter's 2026-001).
	Ref string `json:"ref,omitempty"`
	// Text of a meeting's decision; Becomes what it became (action, matter).
	Text    string `json:"text,omitempty"`
	Becomes string `json:"becomes,omitempty"`
	// AmountSEK of money granted or paid, in whole kronor.
	AmountSEK int64 `json:"amount_sek,omitempty"`
}

// TimelineQuery is what a reader asks of a timeline: the kinds (or
// families) to keep (none: all), where the page starts and its length.
type TimelineQuery struct {
	Kinds  []string
	Cursor string
	Limit  int
}

// Timeline page lengths.
const (
	DefaultTimelineLimit = 50
	MaxTimelineLimit     = 200
)

// ParseTimelineQuery reads ?kind= (comma-separated kinds or families),
// ?cursor= and ?limit=, naming the field of anything it cannot use.
func ParseTimelineQuery(kind, cursor, limit string) (TimelineQuery, error) {
	q := TimelineQuery{Cursor: cursor, Limit: DefaultTimelineLimit}
	v := &ValidationError{}
	for _, k := range strings.Split(kind, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if !knownKind(k) {
			v.Add("kind", "Okänd händelsetyp: "+shorten(k))
			continue
		}
		q.Kinds = append(q.Kinds, k)
	}
	if cursor != "" {
		if _, _, err := decodeCursor(cursor); err != nil {
			v.Add("cursor", "Ogiltig sidmarkör")
		}
	}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxTimelineLimit {
			v.Add("limit", fmt.Sprintf("Ange ett tal mellan 1 och %d", MaxTimelineLimit))
		}
		q.Limit = n
	}
	if err := v.Err(); err != nil {
		v.Malformed = true
		return TimelineQuery{}, err
	}
	return q, nil
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func knownKind(k string) bool {
	for _, kind := range EventKinds {
		if k == kind || k == EventFamily(kind) {
			return true
		}
	}
	return false
}

// Wants reports whether the query keeps events of the kind.
func (q TimelineQuery) Wants(kind string) bool {
	if len(q.Kinds) == 0 {
		return true
	}
	for _, k := range q.Kinds {
		if k == kind || k == EventFamily(kind) {
			return true
		}
	}
	return false
}

// WantsFamily reports whether the query keeps any kind of the family (so a
// source of that family need not be read otherwise).
func (q TimelineQuery) WantsFamily(family string) bool {
	if len(q.Kinds) == 0 {
		return true
	}
	for _, k := range q.Kinds {
		if EventFamily(k) == family {
			return true
		}
	}
	return false
}

// publicPrefixes are the pages anyone may open.
var publicPrefixes = []string{"/s/", "/byar/", "/bygdepeng", "/arsrapport/"}

// publicView is the event as anyone may read it: without the free text of
// who did an action (it may name a person) and without links to pages that
// need an account.
func (e Event) publicView() Event {
	e.DoneBy = ""
	link := e.Link
	e.Link = ""
	for _, p := range publicPrefixes {
		if strings.HasPrefix(link, p) {
			e.Link = link
		}
	}
	return e
}

// eventBefore orders a timeline: newest first, then by id descending, so
// that the order (and a cursor into it) is the same at every read.
func eventBefore(a, b Event) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.ID > b.ID
}

// TimelinePage sorts the events newest first, keeps the kinds asked for
// (and the public ones only unless staff), and returns the page after the
// query's cursor with the cursor of the next page ("" at the end).
func TimelinePage(events []Event, q TimelineQuery, staff bool) ([]Event, string) {
	kept := make([]Event, 0, len(events))
	for _, e := range events {
		if !q.Wants(e.Kind) {
			continue
		}
		if !staff {
			if !e.Public {
				continue
			}
			e = e.publicView()
		}
		kept = append(kept, e)
	}
	sort.Slice(kept, func(i, j int) bool { return eventBefore(kept[i], kept[j]) })
	start := 0
	if q.Cursor != "" {
		at, id, err := decodeCursor(q.Cursor)
		if err == nil {
			mark := Event{At: at, ID: id}
			start = sort.Search(len(kept), func(i int) bool { return eventBefore(mark, kept[i]) })
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultTimelineLimit
	}
	end := min(start+limit, len(kept))
	page := kept[start:end]
	next := ""
	if end < len(kept) {
		last := page[len(page)-1]
		next = encodeCursor(last.At, last.ID)
	}
	return page, next
}

// A cursor is the position of the last event of a page: its time and id,
// base64url so that it travels in a query string.
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixNano(), 10) + "|" + id))
}

func decodeCursor(s string) (time.Time, string, error) {
	if len(s) > 400 {
		return time.Time{}, "", fmt.Errorf("markören är för lång")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", err
	}
	ns, id, ok := strings.Cut(string(b), "|")
	if !ok || id == "" {
		return time.Time{}, "", fmt.Errorf("markören saknar id")
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return time.Time{}, "", err
	}
	return time.Unix(0, n).UTC(), id, nil
}

// SurveyEvents are a survey's events in one village: opened, and closed
// with the village's participation (tallied, never counted from responses),
// hidden under minN.
func SurveyEvents(sv *Survey, village string, responses, minN int) []Event {
	var out []Event
	link := "/s/" + sv.ID + "/" + village
	if sv.Opened != nil {
		out = append(out, Event{ID: EventSurveyOpened + ":" + sv.ID, Kind: EventSurveyOpened, At: sv.Opened.UTC(),
			Date: DateOf(*sv.Opened), Title: sv.Title, Public: true, Link: link})
	}
	if sv.Status == Closed && sv.Closed != nil {
		e := Event{ID: EventSurveyClosed + ":" + sv.ID, Kind: EventSurveyClosed, At: sv.Closed.UTC(),
			Date: DateOf(*sv.Closed), Title: sv.Title, Public: true}
		if responses >= minN {
			n := responses
			e.Responses = &n
		} else {
			e.Suppressed = true
		}
		out = append(out, e)
	}
	return out
}

// RemissAnswerEvent is the group's current answer to a round: its stance,
// how it was anchored and when it was given.
func RemissAnswerEvent(a RemissAnswer, proposalTitle string) Event {
	return Event{ID: EventRemissAnswered + ":" + a.Remiss, Kind: EventRemissAnswered, At: a.AnsweredAt.UTC(),
		Date: DateOf(a.AnsweredAt), Title: proposalTitle, Public: true, Stance: a.Stance,
		Anchoring: a.Anchoring.Method, Participants: a.Anchoring.Participants}
}

// PlanEvents are the events of a plan's versions, oldest first: each save
// of a draft (for signed-in readers), and the version that adopted,
// submitted or acknowledged it (public).
func PlanEvents(versions []*Plan) []Event {
	out := make([]Event, 0, len(versions))
	prev := ""
	for _, v := range versions {
		e := Event{At: v.Saved.UTC(), Date: DateOf(v.Saved),
			Title: strconv.Itoa(v.Year), Version: v.Version, Status: v.Status, Link: "/planer/" + v.ID}
		switch {
		case v.Status == PlanAdopted && prev != PlanAdopted:
			e.Kind, e.Public = EventPlanAdopted, true
			if a := v.Adoption; a != nil {
				e.Method, e.Participants = a.Method, a.Participants
			}
		case v.Status == PlanSubmitted && prev != PlanSubmitted:
			e.Kind, e.Public = EventPlanSubmitted, true
		case v.Status == PlanAcknowledged && prev != PlanAcknowledged:
			e.Kind, e.Public = EventPlanAcknowledged, true
		default:
			e.Kind = EventPlanSaved
		}
		// Zero-padded, so that versions saved in the same instant (a seed, a
		// quick walk) still read newest first.
		e.ID = fmt.Sprintf("plan:%s/v%06d", v.ID, v.Version)
		out = append(out, e)
		prev = v.Status
	}
	return out
}

// ActionDoneEvent is an action that was done: on its day, by its owner
// (group, municipality, joint) and department; doneBy is the free text of
// who did it, kept for signed-in readers.
func ActionDoneEvent(a PlanAction, departmentName string) (Event, bool) {
	if a.Status != ActionDone || a.DoneOn.IsZero() {
		return Event{}, false
	}
	return Event{ID: EventActionDone + ":" + a.ID, Kind: EventActionDone, At: a.DoneOn.Start().UTC(), Date: a.DoneOn,
		Title: a.Title, Public: true, Owner: a.Owner, Department: departmentName, DoneBy: a.DoneBy,
		Link: "/planer/" + a.Plan}, true
}

// MatterEvents are a matter's events: raised (on raised_on, which may be
// before it was registered), and each answer. A matter is public once it
// has been answered; before that its events are for signed-in readers of
// the village only. The answer's text is not part of the timeline.
func MatterEvents(m *Matter, departmentName func(string) string) []Event {
	public := m.Status == MatterAnswered || m.Status == MatterConfirmed
	out := []Event{{ID: EventMatterRaised + ":" + m.ID, Kind: EventMatterRaised, At: m.RaisedOn.Start().UTC(), Date: m.RaisedOn,
		Title: m.Title, Ref: m.Ref, Public: public}}
	for i, st := range m.Steps {
		if st.Move != MoveAnswer {
			continue
		}
		dep := st.Department
		if dep == "" {
			dep = m.Department
		}
		out = append(out, Event{ID: fmt.Sprintf("%s:%s/%d", EventMatterAnswered, m.ID, i), Kind: EventMatterAnswered, At: st.At.UTC(),
			Date: DateOf(st.At), Title: m.Title, Ref: m.Ref, Department: departmentName(dep), Public: public})
	}
	return out
}

// MeetingDecisionEvent is a decision of a forum meeting the village was
// invited to: public once the meeting's minutes are approved, before that
// for signed-in readers of the village.
func MeetingDecisionEvent(m *Meeting, d MeetingDecision) Event {
	return Event{ID: EventMeetingDecision + ":" + d.ID, Kind: EventMeetingDecision, At: d.At.UTC(), Date: DateOf(d.At),
		Title: m.Title, Text: d.Text, Becomes: d.Becomes, Public: m.Status == MeetingMinutesApproved, Link: "/moten/" + m.ID}
}

// GrantEvents are the village's money in a fund's ledger: each allocation
// (a basic grant approved, an application granted) and each payment that was
// not reversed. titles names an application by its ledger ref.
func GrantEvents(year int, entries []LedgerEntry, village string, titles map[string]string) []Event {
	reversed := map[string]bool{}
	for _, e := range entries {
		if e.Kind == EntryReverse {
			reversed[e.Reverses] = true
		}
	}
	var out []Event
	for _, e := range entries {
		if e.Village != village || reversed[e.ID] || e.Kind != EntryAllocate && e.Kind != EntryPay {
			continue
		}
		kind := EventGrantAllocated
		if e.Kind == EntryPay {
			kind = EventGrantPaid
		}
		title := titles[e.Ref]
		if strings.HasPrefix(e.Ref, RefBasicPrefix) {
			title = "Grundbidrag " + strconv.Itoa(year)
		}
		out = append(out, Event{ID: kind + ":" + e.ID, Kind: kind, At: e.At.UTC(), Date: DateOf(e.At), Title: title,
			AmountSEK: e.AmountSEK, Public: true, Link: "/bygdepeng/" + strconv.Itoa(year)})
	}
	return out
}
