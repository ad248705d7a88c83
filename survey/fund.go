package survey

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kinds of a fund's source of money.
const (
	SourceMunicipality = "municipality"
	SourceRegion       = "region"
	SourceCountyBoard  = "county_board"
	SourceHydropower   = "hydropower" // bygdemedel from hydropower
	SourceOther        = "other"
)

// Fund is a year's bygdepeng: the money from named sources, the basic grant
// each village group may get, and the year's deadlines. What is left is
// computed from the ledger, never stored here.
type Fund struct {
	Year              int          `json:"year"`
	Sources           []FundSource `json:"sources"`
	BasicGrantSEK     int64        `json:"basic_grant_sek"`
	ApplicationCloses Date         `json:"application_closes"`
	ReportDue         Date         `json:"report_due"`
	CreatedBy         string       `json:"-"`
	Created           time.Time    `json:"created"`
}

// FundSource is one contribution to a fund.
type FundSource struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	AmountSEK int64  `json:"amount_sek"`
}

// TotalSEK is the sum of the fund's sources.
func (f *Fund) TotalSEK() int64 {
	var t int64
	for _, s := range f.Sources {
		t += s.AmountSEK
	}
	return t
}

// NewFund is the body of POST /funds.
type NewFund struct {
	Year              int               `json:"year" validate:"required,min=2000,max=2100"`
	Sources           []FundSourceInput `json:"sources" validate:"required,min=1,max=20,dive"`
	BasicGrantSEK     int64             `json:"basic_grant_sek" validate:"required,min=1,max=100000000"`
	ApplicationCloses string            `json:"application_closes" validate:"required"`
	ReportDue         string            `json:"report_due" validate:"required"`
}

// FundSourceInput is one source of a new fund; kind defaults to other.
type FundSourceInput struct {
	Kind      string `json:"kind" validate:"omitempty,oneof=municipality region county_board hydropower other"`
	Name      string `json:"name" validate:"required,max=200"`
	AmountSEK int64  `json:"amount_sek" validate:"required,min=1,max=1000000000"`
}

// MaxFundSEK bounds a fund's total so that sums never overflow.
const MaxFundSEK = 10_000_000_000

// Fund validates the input and makes the fund.
func (in NewFund) Fund(now time.Time, by string) (*Fund, error) {
	v := &ValidationError{}
	for i := range in.Sources {
		in.Sources[i].Name = strings.TrimSpace(in.Sources[i].Name)
	}
	Check(v, in)
	closes := dateField(v, "application_closes", in.ApplicationCloses)
	due := dateField(v, "report_due", in.ReportDue)
	f := &Fund{Year: in.Year, BasicGrantSEK: in.BasicGrantSEK, ApplicationCloses: closes, ReportDue: due, CreatedBy: by, Created: now.UTC()}
	for _, s := range in.Sources {
		kind := s.Kind
		if kind == "" {
			kind = SourceOther
		}
		f.Sources = append(f.Sources, FundSource{Kind: kind, Name: s.Name, AmountSEK: s.AmountSEK})
	}
	if v.For("sources") == "" && f.TotalSEK() > MaxFundSEK {
		v.Add("sources", "Summan är för stor")
	}
	return f, v.Err()
}

// dateField reads a required YYYY-MM-DD field into v.
func dateField(v *ValidationError, field, s string) Date {
	if s == "" || v.For(field) != "" {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		v.Add(field, "Skriv datumet som ÅÅÅÅ-MM-DD")
	}
	return d
}

// Kinds of ledger entry.
const (
	EntryAllocate = "allocate" // money set aside: an approved basic grant, a granted application
	EntryPay      = "pay"      // an allocation paid out
	EntryReturn   = "return"   // paid money given back
	EntryReverse  = "reverse"  // a correction: undoes the entry it names
)

// Ledger refs name what an entry's money is for.
const (
	RefBasicPrefix       = "basic/"
	RefApplicationPrefix = "application/"
)

// BasicRef is the ledger ref of a village's basic grant.
func BasicRef(village string) string { return RefBasicPrefix + village }

// ApplicationRef is the ledger ref of an application.
func ApplicationRef(id string) string { return RefApplicationPrefix + id }

// LedgerEntry is one line of a fund's ledger. Entries are only appended: the
// N-th entry of year Y has the id "Y-N", and each carries the fund's running
// totals after it.
type LedgerEntry struct {
	ID          string    `json:"id"`
	Fund        int       `json:"fund"`
	N           int       `json:"n"`
	Kind        string    `json:"kind"`
	Village     string    `json:"village"`
	AmountSEK   int64     `json:"amount_sek"`
	Ref         string    `json:"ref"`
	Reverses    string    `json:"reverses,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	MeetingItem string    `json:"meeting_item,omitempty"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
	Totals      Totals    `json:"totals"`
}

// Totals are a fund's figures, computed from its ledger.
type Totals struct {
	// AllocatedSEK is every live allocation: basic grants and investments.
	AllocatedSEK int64 `json:"allocated_sek"`
	// BasicGrantsSEK is the part of AllocatedSEK that is basic grants.
	BasicGrantsSEK int64 `json:"basic_grants_sek"`
	PaidSEK        int64 `json:"paid_sek"`
	ReturnedSEK    int64 `json:"returned_sek"`
}

// Remaining is what is left of total: what is not allocated, plus what was
// given back.
func (t Totals) Remaining(total int64) int64 { return total - t.AllocatedSEK + t.ReturnedSEK }

// RefMoney is the live money of one ref (reversals taken off).
type RefMoney struct {
	AllocatedSEK int64
	PaidSEK      int64
	ReturnedSEK  int64
	// Allocation is the live allocate entry, or nil.
	Allocation *LedgerEntry
}

// Ledger is a fund's entries in order, with the fund's total.
type Ledger struct {
	Year     int
	TotalSEK int64
	Entries  []LedgerEntry
}

// reversed is the set of entry ids that a reverse entry names.
func (l Ledger) reversed() map[string]bool {
	out := map[string]bool{}
	for _, e := range l.Entries {
		if e.Kind == EntryReverse {
			out[e.Reverses] = true
		}
	}
	return out
}

// Sum recounts the totals from the entries themselves (not their running
// totals): the check that the running totals are right.
func (l Ledger) Sum() Totals {
	var t Totals
	byID := map[string]LedgerEntry{}
	for _, e := range l.Entries {
		byID[e.ID] = e
		sign, kind := int64(1), e.Kind
		if e.Kind == EntryReverse {
			sign, kind = -1, byID[e.Reverses].Kind
		}
		add(&t, kind, e.Ref, sign*e.AmountSEK)
	}
	return t
}

func add(t *Totals, kind, ref string, amount int64) {
	switch kind {
	case EntryAllocate:
		t.AllocatedSEK += amount
		if strings.HasPrefix(ref, RefBasicPrefix) {
			t.BasicGrantsSEK += amount
		}
	case EntryPay:
		t.PaidSEK += amount
	case EntryReturn:
		t.ReturnedSEK += amount
	}
}

// Totals are the running totals after the last entry.
func (l Ledger) Totals() Totals {
	if len(l.Entries) == 0 {
		return Totals{}
	}
	return l.Entries[len(l.Entries)-1].Totals
}

// Remaining is what is left to allocate.
func (l Ledger) Remaining() int64 { return l.Totals().Remaining(l.TotalSEK) }

// Ref is the live money of ref.
func (l Ledger) Ref(ref string) RefMoney {
	gone := l.reversed()
	var m RefMoney
	for i, e := range l.Entries {
		if e.Ref != ref || e.Kind == EntryReverse || gone[e.ID] {
			continue
		}
		switch e.Kind {
		case EntryAllocate:
			m.AllocatedSEK += e.AmountSEK
			m.Allocation = &l.Entries[i]
		case EntryPay:
			m.PaidSEK += e.AmountSEK
		case EntryReturn:
			m.ReturnedSEK += e.AmountSEK
		}
	}
	return m
}

// Entry finds an entry by id.
func (l Ledger) Entry(id string) (LedgerEntry, bool) {
	for _, e := range l.Entries {
		if e.ID == id {
			return e, true
		}
	}
	return LedgerEntry{}, false
}

// ErrOverspend is a grant larger than what is left: 409, nothing written.
var ErrOverspend = fmt.Errorf("pengarna räcker inte: %w", ErrConflict)

// EntryInput is an entry to append: the ledger decides whether it may.
type EntryInput struct {
	Kind        string
	Village     string
	AmountSEK   int64
	Ref         string
	Reverses    string
	Reason      string
	MeetingItem string
	By          string
}

// Next checks in against the ledger's rules and returns it as the next entry:
//   - allocate: a positive amount no larger than what remains, for a ref
//     without a live allocation;
//   - pay: what the ref's allocation has not yet been paid;
//   - return: at most what the ref was paid and has not given back;
//   - reverse: an entry of this ledger that is not a reversal and not yet
//     reversed; an allocation only when its payments are reversed, a payment
//     only when nothing of it was returned. The amount is the entry's.
//
// A refusal is ErrConflict (ErrOverspend when the money does not suffice).
func (l Ledger) Next(in EntryInput, now time.Time) (LedgerEntry, error) {
	e := LedgerEntry{Fund: l.Year, N: len(l.Entries) + 1, Kind: in.Kind, Village: in.Village, AmountSEK: in.AmountSEK,
		Ref: in.Ref, Reverses: in.Reverses, Reason: in.Reason, MeetingItem: in.MeetingItem, By: in.By, At: now.UTC()}
	e.ID = EntryID(l.Year, e.N)
	m := l.Ref(in.Ref)
	kind := in.Kind
	sign := int64(1)
	switch in.Kind {
	case EntryAllocate:
		if in.AmountSEK <= 0 {
			return e, Refuse(ErrConflict, "Beloppet måste vara större än noll")
		}
		if m.Allocation != nil {
			return e, Refuse(ErrConflict, "Pengarna är redan beviljade (%s)", m.Allocation.ID)
		}
		if in.AmountSEK > l.Remaining() {
			return e, Refuse(ErrOverspend, "Det finns bara %s kvar i %d års bygdepeng", Kronor(l.Remaining()), l.Year)
		}
	case EntryPay:
		if m.Allocation == nil {
			return e, Refuse(ErrConflict, "Inget är beviljat att betala ut")
		}
		e.AmountSEK = m.AllocatedSEK - m.PaidSEK
		e.Village = m.Allocation.Village
		if e.AmountSEK <= 0 {
			return e, Refuse(ErrConflict, "Allt är redan utbetalt")
		}
	case EntryReturn:
		if in.AmountSEK <= 0 || in.AmountSEK > m.PaidSEK-m.ReturnedSEK {
			return e, Refuse(ErrConflict, "Det går bara att återbetala det som betalats ut (%s)", Kronor(m.PaidSEK-m.ReturnedSEK))
		}
	case EntryReverse:
		target, ok := l.Entry(in.Reverses)
		switch {
		case !ok:
			return e, Refuse(ErrNotFound, "Posten %q finns inte", in.Reverses)
		case target.Kind == EntryReverse:
			return e, Refuse(ErrConflict, "En rättelse kan inte rättas; bokför posten på nytt")
		case l.reversed()[target.ID]:
			return e, Refuse(ErrConflict, "Posten är redan rättad")
		}
		tm := l.Ref(target.Ref)
		if target.Kind == EntryAllocate && tm.PaidSEK > 0 {
			return e, Refuse(ErrConflict, "Rätta först utbetalningen")
		}
		if target.Kind == EntryPay && tm.ReturnedSEK > 0 {
			return e, Refuse(ErrConflict, "Rätta först återbetalningen")
		}
		e.AmountSEK, e.Ref, e.Village = target.AmountSEK, target.Ref, target.Village
		kind, sign = target.Kind, -1
		if target.Kind == EntryReturn && target.AmountSEK > l.Remaining() {
			return e, Refuse(ErrOverspend, "Det finns bara %s kvar", Kronor(l.Remaining()))
		}
	default:
		return e, Refuse(ErrConflict, "Okänd post %q", in.Kind)
	}
	e.Totals = l.Totals()
	add(&e.Totals, kind, e.Ref, sign*e.AmountSEK)
	return e, nil
}

// EntryID is the id of the n-th entry of a fund's ledger.
func EntryID(year, n int) string { return fmt.Sprintf("%d-%d", year, n) }

// ReasonInput is a body with a required reason (reverse, override, reject).
type ReasonInput struct {
	Reason string `json:"reason" validate:"required,max=2000"`
}

// Check trims and validates the reason.
func (in *ReasonInput) Check() error {
	in.Reason = strings.TrimSpace(in.Reason)
	v := &ValidationError{}
	Check(v, *in)
	return v.Err()
}

// Kronor writes whole kronor the Swedish way: "12 500 kr", with
// non-breaking spaces between the groups and before kr.
func Kronor(n int64) string {
	digits := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteString("−")
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(r)
	}
	return b.String() + "\u00a0kr"
}
