package survey

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var fundNow = time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)

// ledgerOf appends the inputs in order, failing the test on a refusal.
func ledgerOf(t *testing.T, total int64, ins ...EntryInput) Ledger {
	t.Helper()
	l := Ledger{Year: 2026, TotalSEK: total}
	for _, in := range ins {
		e, err := l.Next(in, fundNow)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		l.Entries = append(l.Entries, e)
	}
	return l
}

func TestLedgerRules(t *testing.T) {
	alloc := func(ref string, n int64) EntryInput {
		return EntryInput{Kind: EntryAllocate, Village: "aby", AmountSEK: n, Ref: ref}
	}
	pay := func(ref string) EntryInput { return EntryInput{Kind: EntryPay, Ref: ref} }
	tests := []struct {
		name    string
		before  []EntryInput
		next    EntryInput
		wantErr error
	}{
		{"an allocation that fits", nil, alloc("a/1", 1000), nil},
		{"an allocation of exactly what is left", []EntryInput{alloc("a/1", 600)}, alloc("a/2", 400), nil},
		{"an allocation larger than what is left", []EntryInput{alloc("a/1", 600)}, alloc("a/2", 401), ErrOverspend},
		{"a second allocation of one ref", []EntryInput{alloc("a/1", 100)}, alloc("a/1", 100), ErrConflict},
		{"an allocation of nothing", nil, alloc("a/1", 0), ErrConflict},
		{"a payment of nothing allocated", nil, pay("a/1"), ErrConflict},
		{"a second payment", []EntryInput{alloc("a/1", 100), pay("a/1")}, pay("a/1"), ErrConflict},
		{"a return of more than was paid", []EntryInput{alloc("a/1", 100), pay("a/1")}, EntryInput{Kind: EntryReturn, Ref: "a/1", AmountSEK: 101}, ErrConflict},
		{"a return of part of a payment", []EntryInput{alloc("a/1", 100), pay("a/1")}, EntryInput{Kind: EntryReturn, Ref: "a/1", AmountSEK: 40}, nil},
		{"a reversal of a paid allocation", []EntryInput{alloc("a/1", 100), pay("a/1")}, EntryInput{Kind: EntryReverse, Reverses: "2026-1"}, ErrConflict},
		{"a reversal of the payment first", []EntryInput{alloc("a/1", 100), pay("a/1")}, EntryInput{Kind: EntryReverse, Reverses: "2026-2"}, nil},
		{"a reversal of a reversal", []EntryInput{alloc("a/1", 100), {Kind: EntryReverse, Reverses: "2026-1"}}, EntryInput{Kind: EntryReverse, Reverses: "2026-2"}, ErrConflict},
		{"a second reversal of one entry", []EntryInput{alloc("a/1", 100), {Kind: EntryReverse, Reverses: "2026-1"}}, EntryInput{Kind: EntryReverse, Reverses: "2026-1"}, ErrConflict},
		{"a reversal of an entry that is not there", nil, EntryInput{Kind: EntryReverse, Reverses: "2026-9"}, ErrNotFound},
		{"a new allocation after a reversal", []EntryInput{alloc("a/1", 1000), {Kind: EntryReverse, Reverses: "2026-1"}}, alloc("a/1", 1000), nil},
		{"an unknown kind", nil, EntryInput{Kind: "gift", AmountSEK: 5}, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ledgerOf(t, 1000, tt.before...)
			e, err := l.Next(tt.next, fundNow)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v; want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			l.Entries = append(l.Entries, e)
			if got, want := l.Totals(), l.Sum(); got != want {
				t.Errorf("running totals %+v; want the recount %+v", got, want)
			}
			if e.ID != EntryID(2026, len(l.Entries)) || e.AmountSEK <= 0 {
				t.Errorf("entry %+v: want id %s and a positive amount", e, EntryID(2026, len(l.Entries)))
			}
		})
	}
}

func TestLedgerFigures(t *testing.T) {
	l := ledgerOf(t, 20000,
		EntryInput{Kind: EntryAllocate, Village: "aby", AmountSEK: 6000, Ref: BasicRef("aby")},
		EntryInput{Kind: EntryAllocate, Village: "aby", AmountSEK: 9000, Ref: ApplicationRef("x")},
		EntryInput{Kind: EntryPay, Ref: ApplicationRef("x")},
		EntryInput{Kind: EntryReturn, Ref: ApplicationRef("x"), AmountSEK: 1500},
		EntryInput{Kind: EntryReverse, Reverses: "2026-1", Reason: "Fel by"},
	)
	want := Totals{AllocatedSEK: 9000, BasicGrantsSEK: 0, PaidSEK: 9000, ReturnedSEK: 1500}
	if got := l.Totals(); got != want {
		t.Errorf("totals: got %+v; want %+v", got, want)
	}
	if got := l.Remaining(); got != 12500 {
		t.Errorf("remaining: got %d; want 20000 − 9000 + 1500 = 12500", got)
	}
	if m := l.Ref(BasicRef("aby")); m.Allocation != nil || m.AllocatedSEK != 0 {
		t.Errorf("the reversed basic grant: got %+v; want nothing live", m)
	}
}

func TestNewFundNamesTheField(t *testing.T) {
	ok := NewFund{Year: 2026, BasicGrantSEK: 6000, ApplicationCloses: "2026-09-30", ReportDue: "2027-03-31",
		Sources: []FundSourceInput{{Kind: SourceRegion, Name: "Regionen", AmountSEK: 5000}, {Name: " Vattenfall ", AmountSEK: 2500}}}
	f, err := ok.Fund(fundNow, "u")
	if err != nil || f.TotalSEK() != 7500 || f.Sources[1].Kind != SourceOther || f.Sources[1].Name != "Vattenfall" {
		t.Fatalf("got %+v, %v; want 7500 kr with the second source other", f, err)
	}
	tests := []struct {
		name  string
		edit  func(*NewFund)
		field string
	}{
		{"a year out of range", func(n *NewFund) { n.Year = 1999 }, "year"},
		{"a source of zero", func(n *NewFund) { n.Sources = []FundSourceInput{{Name: "X"}} }, "sources[0].amount_sek"},
		{"a source without a name", func(n *NewFund) { n.Sources = []FundSourceInput{{AmountSEK: 5}} }, "sources[0].name"},
		{"a negative basic grant", func(n *NewFund) { n.BasicGrantSEK = -1 }, "basic_grant_sek"},
		{"a day that is not a date", func(n *NewFund) { n.ApplicationCloses = "2026-02-30" }, "application_closes"},
		{"a sum too large", func(n *NewFund) {
			n.Sources = []FundSourceInput{{Name: "A", AmountSEK: 1e9}, {Name: "B", AmountSEK: 1e9}, {Name: "C", AmountSEK: 1e9}, {Name: "D", AmountSEK: 1e9},
				{Name: "E", AmountSEK: 1e9}, {Name: "F", AmountSEK: 1e9}, {Name: "G", AmountSEK: 1e9}, {Name: "H", AmountSEK: 1e9}, {Name: "I", AmountSEK: 1e9},
				{Name: "J", AmountSEK: 1e9}, {Name: "K", AmountSEK: 1e9}}
		}, "sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			in.Sources = append([]FundSourceInput{}, ok.Sources...)
			tt.edit(&in)
			_, err := in.Fund(fundNow, "u")
			var v *ValidationError
			if !errors.As(err, &v) || v.For(tt.field) == "" {
				t.Errorf("got %v; want a message for %s", err, tt.field)
			}
		})
	}
}

func TestKronor(t *testing.T) {
	for n, want := range map[int64]string{0: "0 kr", 999: "999 kr", 12500: "12 500 kr", 1234567: "1 234 567 kr", -6000: "−6 000 kr"} {
		if got := strings.ReplaceAll(Kronor(n), "\u00a0", " "); got != want {
			t.Errorf("Kronor(%d): got %q; want %q", n, got, want)
		}
	}
}

func TestApplicationLifecycle(t *testing.T) {
	f := &Fund{Year: 2026, ApplicationCloses: Date{2026, time.September, 30}, ReportDue: Date{2027, time.March, 31}}
	a := &Application{ID: "x", AmountSEK: 10000, Status: AppDraft}
	if err := a.CheckGrant(GrantInput{AmountSEK: 5000}); !errors.Is(err, ErrConflict) {
		t.Errorf("granting a draft: got %v; want ErrConflict", err)
	}
	if err := a.Submit(f, time.Date(2026, 10, 1, 12, 0, 0, 0, Stockholm)); !errors.Is(err, ErrClosed) {
		t.Errorf("submitting after the closing day: got %v; want ErrClosed", err)
	}
	if err := a.Submit(f, fundNow); err != nil || a.Status != AppSubmitted {
		t.Fatalf("submit: got %v, %s", err, a.Status)
	}
	var v *ValidationError
	if err := a.CheckGrant(GrantInput{AmountSEK: 10001}); !errors.As(err, &v) || v.For("amount_sek") == "" {
		t.Errorf("granting more than asked: got %v; want a message for amount_sek", err)
	}
	if err := a.Reject(ReasonInput{Reason: "  "}); !errors.As(err, &v) || v.For("reason") == "" {
		t.Errorf("rejecting without a reason: got %v; want a message for reason", err)
	}
	alloc := &LedgerEntry{ID: "2026-1"}
	tests := []struct {
		status   string
		money    RefMoney
		onAgenda bool
		fix      string
		shown    string
	}{
		{AppSubmitted, RefMoney{}, false, "", AppSubmitted},
		{AppSubmitted, RefMoney{}, true, "", AppOnAgenda},
		{AppSubmitted, RefMoney{AllocatedSEK: 5000, Allocation: alloc}, false, "grant", AppSubmitted},
		{AppGranted, RefMoney{AllocatedSEK: 5000, Allocation: alloc}, true, "", AppGranted},
		{AppGranted, RefMoney{AllocatedSEK: 5000, PaidSEK: 5000, Allocation: alloc}, true, "", AppPaid},
		{AppGranted, RefMoney{}, false, "ungrant", AppGranted},
		{AppRejected, RefMoney{AllocatedSEK: 5000, Allocation: alloc}, true, "reverse", AppRejected},
		{AppRejected, RefMoney{}, true, "", AppRejected},
		{AppDraft, RefMoney{}, true, "", AppDraft},
	}
	for _, tt := range tests {
		b := &Application{Status: tt.status}
		if got := b.Reconcile(tt.money); got != tt.fix {
			t.Errorf("%s with %+v: got fix %q; want %q", tt.status, tt.money, got, tt.fix)
		}
		if got := b.Shown(tt.money, tt.onAgenda); got != tt.shown {
			t.Errorf("%s with %+v, on an agenda %v: got shown %q; want %q", tt.status, tt.money, tt.onAgenda, got, tt.shown)
		}
	}
	g := &Application{Status: AppGranted}
	if err := g.AddReport(AppReportInput{Text: "Klart"}, RefMoney{Allocation: alloc, AllocatedSEK: 1}, fundNow, "u"); !errors.Is(err, ErrConflict) {
		t.Errorf("reporting before the payment: got %v; want ErrConflict", err)
	}
	if err := g.AddReport(AppReportInput{Text: "Klart", SpentSEK: 900}, RefMoney{Allocation: alloc, AllocatedSEK: 1, PaidSEK: 1}, fundNow, "u"); err != nil || g.Status != AppReported {
		t.Errorf("reporting after the payment: got %v, %s", err, g.Status)
	}
	if err := g.Close(fundNow); err != nil || g.Status != AppClosed {
		t.Errorf("closing: got %v, %s", err, g.Status)
	}
}
