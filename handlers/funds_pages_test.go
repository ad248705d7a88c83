package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

// The money pages walked in a browser's way: forms, 303s, the messages of
// a refusal next to its field, and the public pages with Swedish money.
func TestFundPagesFromFormToPublicPage(t *testing.T) {
	ta := plansApp(t)
	off := ta.account(survey.RoleOfficial)
	rep := ta.account(survey.RoleRepresentative, "aby")
	fm := ta.account(survey.RoleForum)
	walkedPlan(t, ta)

	code, b, _ := ta.page("POST", "/fonder", off, url.Values{"year": {"2026"}, "basic_grant_sek": {"6 000"}, "application_closes": {"2026-09-30"},
		"report_due": {"2027-03-31"}, "source_kind_0": {"municipality"}, "source_name_0": {"Kommunen"}, "source_amount_0": {"x"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Skriv ett belopp i hela kronor") {
		t.Errorf("a source of x kronor: got %d; want 422 with the message next to the field", code)
	}
	code, _, h := ta.page("POST", "/fonder", off, url.Values{"year": {"2026"}, "basic_grant_sek": {"6 000"}, "application_closes": {"2026-09-30"},
		"report_due": {"2027-03-31"}, "source_kind_0": {"municipality"}, "source_name_0": {"Kommunen"}, "source_amount_0": {"15 000"},
		"source_kind_1": {"hydropower"}, "source_name_1": {"Bygdemedel"}, "source_amount_1": {"5 000"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/fonder/2026" {
		t.Fatalf("a new year: got %d to %q; want 303 to /fonder/2026", code, h.Get("Location"))
	}
	code, b, _ = ta.page("GET", "/fonder/2026", off, nil)
	checkPage(t, code, b, []string{"20\u00a0000\u00a0kr", "Godkänn grundbidraget", survey.ReasonNoPlan}, nil)

	if code, _, _ := ta.page("POST", "/fonder/2026/grundbidrag/aby/godkann", off, nil); code != http.StatusSeeOther {
		t.Errorf("approve aby: got %d; want 303", code)
	}
	code, b, _ = ta.page("POST", "/fonder/2026/grundbidrag/bby/godkann", off, nil)
	if code != http.StatusConflict || !strings.Contains(string(b), "uppfyller inte villkoren") {
		t.Errorf("approve the blocked bby: got %d; want 409 saying why", code)
	}

	code, _, h = ta.page("POST", "/fonder/2026/ansokningar", rep, url.Values{"village": {"aby"}, "focus_area": {"trygghet"}, "title": {"Hjärtstartare"}, "amount_sek": {"20 000"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/fonder/2026/ansokningar/") {
		t.Fatalf("a new application: got %d to %q", code, h.Get("Location"))
	}
	app := h.Get("Location")
	if code, _, _ := ta.page("POST", app+"/skicka-in", rep, nil); code != http.StatusSeeOther {
		t.Errorf("submit: got %d; want 303", code)
	}
	code, b, _ = ta.page("GET", "/att-gora", fm, nil)
	checkPage(t, code, b, []string{"Ansökningar som väntar på beslut", "Hjärtstartare"}, nil)
	code, b, _ = ta.page("POST", app+"/bevilja", fm, url.Values{"amount_sek": {"15 000"}})
	if code != http.StatusConflict || !strings.Contains(string(b), "14\u00a0000\u00a0kr") {
		t.Errorf("grant more than is left: got %d; want 409 saying 14 000 kr is left", code)
	}
	if code, _, _ := ta.page("POST", app+"/bevilja", fm, url.Values{"amount_sek": {"14 000"}}); code != http.StatusSeeOther {
		t.Errorf("grant what is left: got %d; want 303", code)
	}
	if code, _, _ := ta.page("POST", app+"/betala", off, nil); code != http.StatusSeeOther {
		t.Errorf("pay: got %d; want 303", code)
	}
	code, b, _ = ta.page("GET", "/att-gora", rep, nil)
	checkPage(t, code, b, []string{"Återrapporter för bygdepeng", "Hjärtstartare", "2027-03-31"}, nil)
	code, b, _ = ta.page("POST", app+"/rapport", rep, url.Values{"text": {""}, "spent_sek": {"13 500"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Måste fyllas i") {
		t.Errorf("a report without text: got %d; want 422 with the message", code)
	}
	if code, _, _ := ta.page("POST", app+"/rapport", rep, url.Values{"text": {"Hjärtstartaren hänger vid affären."}, "spent_sek": {"13 500"}}); code != http.StatusSeeOther {
		t.Errorf("report: got %d; want 303", code)
	}

	code, b, _ = ta.page("GET", "/bygdepeng", account{}, nil)
	checkPage(t, code, b, []string{`href="/bygdepeng/2026"`, "20\u00a0000\u00a0kr"}, nil)
	code, b, _ = ta.page("GET", "/bygdepeng/2026", account{}, nil)
	checkPage(t, code, b, []string{"Kommunen", "Bygdemedel", "Hjärtstartare", "14\u00a0000\u00a0kr", "Hjärtstartaren hänger vid affären.", "Grundbidrag",
		"Kvar att fördela", "/bygdepeng/2026/diagram/byar.svg", `alt="Beviljade och utbetalda pengar`}, []string{"example.se", "Test official"})
	code, b, _ = ta.page("GET", "/bygdepeng/2026/diagram/fokusomraden.svg", account{}, nil)
	checkPage(t, code, b, []string{"<svg"}, nil)

	// The reversal asks first, needs a reason, and then the money is back.
	code, b, _ = ta.page("GET", "/fonder/2026/huvudbok/2026-1/rattelse", off, nil)
	checkPage(t, code, b, []string{"Rätta posten?", "6\u00a0000\u00a0kr"}, nil)
	if code, _, _ := ta.page("POST", "/fonder/2026/huvudbok/2026-1/rattelse", off, url.Values{"reason": {""}}); code != http.StatusUnprocessableEntity {
		t.Errorf("a reversal without a reason: got %d; want 422", code)
	}
	if code, _, _ := ta.page("POST", "/fonder/2026/huvudbok/2026-1/rattelse", off, url.Values{"reason": {"Godkänt av misstag"}}); code != http.StatusSeeOther {
		t.Errorf("reverse: got %d; want 303", code)
	}
	if f := checkRecount(t, ta, 2026); f.RemainingSEK != 6000 || f.BasicGrantsSEK != 0 {
		t.Errorf("after the reversal: got %+v; want 6000 left and no basic grant", f)
	}
	code, b, _ = ta.page("GET", "/bygdepeng/2026?lang=en", account{}, nil, "Cookie", "lang=en")
	checkPage(t, code, b, []string{"Who got what for what"}, nil)
}
