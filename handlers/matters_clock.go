package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// Clock runs the matters' clock: reminders for matters past their feedback
// date, the agenda item level 2 owes, and the confirmation of answers left
// unconfirmed for 30 days. Every instance runs it; what it does happens
// once however many run, because every write claims a unique _id (the
// reminder's outbox id, the step's number, the mark) and the loser of a
// claim does nothing.
type Clock struct{ s *server }

// NewClock returns the clock of the service configured by cfg (the same
// database, mail server and public address as New).
func NewClock(cfg Config) *Clock { return &Clock{s: newServer(cfg)} }

// ClockRun says what one run did: messages queued by this run, matters it
// confirmed, agenda items recorded as owed, and owed items it put on a
// forum meeting's agenda.
type ClockRun struct {
	Queued, Confirmed, AgendaOwed, AgendaAdded int
}

// Escalate runs the clock once at now (tests pass a fake clock).
func (k *Clock) Escalate(ctx context.Context, now time.Time) (ClockRun, error) {
	return k.s.escalate(ctx, now)
}

// clockInfo is what a run reads once: departments, users, village names.
type clockInfo struct {
	departments map[string]survey.Department
	contacts    []survey.User
	villages    map[string]string
}

func (s *server) clockInfo(cx context.Context) (clockInfo, error) {
	info := clockInfo{departments: map[string]survey.Department{}, villages: map[string]string{}}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return info, err
	}
	for _, d := range deps {
		info.departments[d.ID] = d
	}
	users, err := s.users.List(cx)
	if err != nil {
		return info, err
	}
	info.contacts = contactPersons(users)
	vs, err := s.villages.List(cx)
	if err != nil {
		return info, err
	}
	for _, v := range vs {
		info.villages[v.Slug] = v.Name
	}
	return info, nil
}

func (s *server) escalate(cx context.Context, now time.Time) (ClockRun, error) {
	var run ClockRun
	matters, err := s.matters.List(cx, storage.MatterFilter{})
	if err != nil {
		return run, err
	}
	info, err := s.clockInfo(cx)
	if err != nil {
		return run, err
	}
	var errs []error
	for i := range matters {
		m := &matters[i]
		if m.AutoConfirmDue(now) {
			confirmed, err := s.autoConfirm(cx, m, now)
			if err != nil {
				errs = append(errs, err)
			} else if confirmed {
				run.Confirmed++
			}
			continue
		}
		owed := append([]int{}, m.OwedRounds...)
		for level := 1; level <= m.Escalation(now); level++ {
			if m.Reminded(level) {
				continue
			}
			queued, newlyOwed, err := s.remind(cx, m, level, info, now)
			run.Queued += queued
			if newlyOwed {
				run.AgendaOwed++
				owed = append(owed, m.Round)
			}
			if err != nil {
				errs = append(errs, err)
				break // the next run tries this matter again
			}
		}
		for _, round := range owed {
			added, err := s.addAgenda(cx, m, round, now)
			if err != nil {
				errs = append(errs, err)
			} else if added {
				run.AgendaAdded++
			}
		}
	}
	return run, errors.Join(errs...)
}

// autoConfirm confirms a matter whose answer waited 30 days; another
// instance doing it at the same moment wins or loses the step's claim.
func (s *server) autoConfirm(cx context.Context, m *survey.Matter, now time.Time) (bool, error) {
	fresh, rev, err := s.matters.Get(cx, m.ID)
	if err != nil {
		return false, err
	}
	if !fresh.AutoConfirmDue(now) {
		return false, nil
	}
	st, err := fresh.Step(survey.MoveAutoConfirm, survey.MatterMove{}, nil, now, survey.ServiceActor)
	if err != nil {
		return false, err
	}
	if err := s.matters.Step(cx, fresh, rev, st); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return false, nil
		}
		return false, err
	}
	s.audit(cx, nil, auditMatterStep+survey.MoveAutoConfirm, "matter/"+m.ID, fmt.Sprintf("%s → %s efter %d dagar utan bekräftelse", st.From, st.To, survey.MatterAutoConfirmDays))
	return true, nil
}

// agendaKey is the idempotency key of the agenda item a matter's level 2
// owes in a round: the same key adds one item, whoever runs.
func agendaKey(m *survey.Matter, round int) string {
	return "matter/" + m.ID + "/r" + strconv.Itoa(round) + "/agenda"
}

// addAgenda puts the item a matter owes on the agenda of the next forum
// meeting not yet started (once per key, across instances and runs) and
// records it added. With no forum meeting ahead it stays owed: the first
// run after one is created adds it.
func (s *server) addAgenda(cx context.Context, m *survey.Matter, round int, now time.Time) (bool, error) {
	it := survey.AgendaItem{Title: fmt.Sprintf("Eskalerat ärende %s: %s", m.Ref, m.Title),
		Link: &survey.Link{Kind: "matter", ID: m.ID}, AddedBy: survey.ServiceActor, Added: now.UTC()}
	meeting, item, err := s.meetings.AddToNextForum(cx, now, agendaKey(m, round), it)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	first, err := s.matters.AgendaAdded(cx, m.ID, round)
	if err != nil {
		return false, err
	}
	if first {
		s.audit(cx, nil, auditMatterAgenda, "matter/"+m.ID, "meeting/"+meeting.ID+"/"+item.ID)
	}
	return first, nil
}

// recipients of a level: level 1 the department's mail and the contact
// persons; level 2 the department's head (its mail when it has no head)
// and the contact persons. A matter not yet forwarded has no department:
// its reminders go to the contact persons.
func recipients(m *survey.Matter, level int, info clockInfo) []survey.Recipient {
	var out []survey.Recipient
	if d, ok := info.departments[m.Department]; ok {
		switch {
		case level == 1:
			out = append(out, survey.Recipient{Kind: survey.RemindDepartment, Email: d.Email, Name: d.Name})
		case d.HeadEmail != "":
			out = append(out, survey.Recipient{Kind: survey.RemindHead, Email: d.HeadEmail})
		default:
			out = append(out, survey.Recipient{Kind: survey.RemindHead, Email: d.Email, Name: d.Name})
		}
	}
	for _, u := range info.contacts {
		out = append(out, survey.Recipient{Kind: survey.RemindContact, Key: u.ID, Email: u.Email, Name: u.Name})
	}
	return out
}

// remind queues a level's reminders, each under its deterministic id so
// that it is queued once whoever runs, delivers those this run queued, and
// records the level; level 2 also records the agenda item owed (escalate
// then adds it to the next forum meeting). A crash
// anywhere is repaired by the next run: what was queued stays queued once,
// what was not is queued then.
func (s *server) remind(cx context.Context, m *survey.Matter, level int, info clockInfo, now time.Time) (int, bool, error) {
	queued := 0
	dep := info.departments[m.Department]
	village := info.villages[m.Village]
	if village == "" {
		village = m.Village
	}
	for _, r := range recipients(m, level, info) {
		msg := survey.Reminder(m, level, r, village, dep.Name, s.mailRoot(), now)
		first, err := s.remiss.outbox.QueueOnce(cx, msg)
		if err != nil {
			return queued, false, err
		}
		if first {
			queued++
			s.deliver(cx, &msg)
		}
	}
	owed := false
	if level == 2 {
		var err error
		if owed, err = s.matters.OweAgenda(cx, m.ID, m.Round, now); err != nil {
			return queued, false, err
		}
	}
	first, err := s.matters.Reminded(cx, m.ID, m.Round, level, now)
	if err != nil {
		return queued, owed, err
	}
	if first {
		s.audit(cx, nil, auditMatterReminded, "matter/"+m.ID, fmt.Sprintf("nivå %d", level))
	}
	return queued, owed, nil
}
