package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// fiftyGrantsAcrossInstances: two officials' worth of grants at the same
// moment, spread over two service processes on one database, against a pot
// that fits ten. Exactly ten are granted, the others 409, and the ledger's
// sum is the pot. FerretDB has no transactions: the ledger's numbered _id
// decides.
func fiftyGrantsAcrossInstances(t *testing.T, pair [2]*proc, _ string) {
	token := pair[0].signIn()
	pair[0].mustCall("POST", "/api/v1/villages", token, map[string]any{"name": "Bidragsby"}, http.StatusCreated)
	pair[0].mustCall("POST", "/api/v1/funds", token, map[string]any{"year": 2031, "basic_grant_sek": 6000,
		"application_closes": "2031-09-30", "report_due": "2032-03-31",
		"sources": []map[string]any{{"kind": "municipality", "name": "Kommunen", "amount_sek": 10000}}}, http.StatusCreated)
	ids := make([]string, 50)
	for i := range ids {
		var a struct{ ID string }
		b := pair[i%2].mustCall("POST", "/api/v1/funds/2031/applications", token, map[string]any{"village": "bidragsby", "focus_area": "trygghet",
			"title": fmt.Sprintf("Ansökan %d", i), "amount_sek": 1000}, http.StatusCreated)
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		pair[i%2].mustCall("POST", "/api/v1/funds/2031/applications/"+a.ID+"/submit", token, nil, http.StatusOK)
		ids[i] = a.ID
	}
	codes := make([]int, len(ids))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, b, err := call("POST", pair[i%2].base+"/api/v1/funds/2031/applications/"+id+"/grant", token, map[string]any{"amount_sek": 1000})
			if err != nil {
				t.Errorf("grant %d: %v", i, err)
			}
			if code != http.StatusOK && code != http.StatusConflict {
				t.Errorf("grant %d: got %d %s; want 200 or 409", i, code, b)
			}
			codes[i] = code
		}()
	}
	close(start)
	wg.Wait()
	granted := 0
	for _, c := range codes {
		if c == http.StatusOK {
			granted++
		}
	}
	if granted != 10 {
		t.Errorf("got %d grants; want exactly 10 of the 50", granted)
	}
	var entries []struct {
		Kind      string `json:"kind"`
		AmountSEK int64  `json:"amount_sek"`
	}
	if err := json.Unmarshal(pair[1].mustCall("GET", "/api/v1/funds/2031/ledger", token, nil, http.StatusOK), &entries); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, e := range entries {
		if e.Kind == "allocate" {
			sum += e.AmountSEK
		}
	}
	var fund struct {
		AllocatedSEK int64 `json:"allocated_sek"`
		RemainingSEK int64 `json:"remaining_sek"`
	}
	if err := json.Unmarshal(pair[0].mustCall("GET", "/api/v1/funds/2031", token, nil, http.StatusOK), &fund); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 10 || sum != 10000 || fund.AllocatedSEK != 10000 || fund.RemainingSEK != 0 {
		t.Errorf("got %d entries summing to %d, fund %+v; want 10 allocations of 10 000 kr in all, nothing left", len(entries), sum, fund)
	}
}
