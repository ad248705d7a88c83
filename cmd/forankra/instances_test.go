package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
)

// TestTwoInstancesShareOneDatabase runs two service processes against one
// database and submits to both at once with overlapping idempotency keys:
// each key is stored once, with the same id whichever instance answers, and
// both report the same exact count.
//
// Each check in instanceChecks runs against the pair; sessions and rate
// limits that must hold across instances belong there too.
func TestTwoInstancesShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as processes")
	}
	dbAddr := freeAddr(t)
	emb := startDB(t, filepath.Join(t.TempDir(), "db"), dbAddr)
	t.Cleanup(emb.Stop)
	env := []string{"MONGODB_URI=" + mongoURI(dbAddr), "FORANKRA_DB=pair"}
	pair := [2]*proc{startProc(t, freeAddr(t), env...), startProc(t, freeAddr(t), env...)}
	t.Cleanup(func() { pair[0].kill(); pair[1].kill() })
	for _, check := range instanceChecks {
		t.Run(check.name, func(t *testing.T) { check.run(t, pair, mongoURI(dbAddr)) })
	}
}

// instanceChecks are what must hold across instances, each given the pair and
// the URI of their database.
var instanceChecks = []struct {
	name string
	run  func(t *testing.T, pair [2]*proc, dbURI string)
}{
	{"a token from one instance works on the other", func(t *testing.T, pair [2]*proc, dbURI string) {
		token := pair[0].signIn()
		code, b, err := call("GET", pair[1].base+"/api/v1/villages", token, nil)
		if err != nil || code != http.StatusOK {
			t.Errorf("got %d %s (%v); want 200", code, b, err)
		}
	}},
	{"overlapping idempotency keys store each response once", overlappingKeys},
	{"a late matter is reminded once by both instances' clocks", lateMatterRemindedOnce},
	{"fifty grants at once on both instances leave exactly ten", fiftyGrantsAcrossInstances},
}

func overlappingKeys(t *testing.T, pair [2]*proc, dbURI string) {
	token := pair[0].signIn()
	surveyID := pair[0].openSurvey(token)
	path := "/api/v1/surveys/" + surveyID + "/responses"
	const keys, perInstance, clients = 600, 400, 8 // instance 0: keys 0–399, instance 1: 200–599
	var mu sync.Mutex
	ids := map[string]string{}
	var wg sync.WaitGroup
	for n, p := range pair {
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := n*(keys-perInstance) + c; i < n*(keys-perInstance)+perInstance; i += clients {
					k := key("pair", i)
					code, b, err := call("POST", p.base+path, "", responseBody(i), "Idempotency-Key", k)
					var out struct{ ID string }
					_ = json.Unmarshal(b, &out)
					if err != nil || code != http.StatusCreated {
						t.Errorf("instance %d, %s: got %d %s (%v); want 201", n, k, code, b, err)
						return
					}
					mu.Lock()
					if prev, ok := ids[k]; ok && prev != out.ID {
						t.Errorf("%s: got ids %s and %s; want one", k, prev, out.ID)
					}
					ids[k] = out.ID
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(ids) != keys {
		t.Errorf("got %d distinct keys answered; want %d", len(ids), keys)
	}
	for n, p := range pair {
		if got := p.storedCount(token, surveyID); got != keys {
			t.Errorf("instance %d reports %d responses; want %d", n, got, keys)
		}
	}
	verifyDirect(t, dbURI, "pair", surveyID, keys)
}
