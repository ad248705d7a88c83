package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func TestSubmitLimitCountsPerAddressAndSurveyInMemory(t *testing.T) {
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		SubmitLimit: 3, ProxyHeader: "X-Forwarded-For"})
	adm := ta.account(survey.RoleAdmin)
	one := ta.openSurvey(adm.token)
	code, b := ta.do("POST", "/api/v1/surveys", adm.token, allTypes("aby", "backby"))
	if code != http.StatusCreated {
		t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	other := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+other+"/open", adm.token, nil); code != http.StatusOK {
		t.Fatalf("open: got %d %s; want 200", code, b)
	}
	body := `{"village":"aby","answers":{"q1":"Skola","q3":5}}`
	steps := []struct {
		name   string
		addr   string
		survey string
		want   int
	}{
		{"the first from an address is taken", "192.0.2.1", one, http.StatusCreated},
		{"the second is taken", "192.0.2.1", one, http.StatusCreated},
		{"the third, the limit, is taken", "192.0.2.1", one, http.StatusCreated},
		{"the fourth from the same address is refused", "192.0.2.1", one, http.StatusTooManyRequests},
		{"a refused one is refused again", "192.0.2.1", one, http.StatusTooManyRequests},
		{"another address is not held back", "192.0.2.2", one, http.StatusCreated},
		{"the same address to another survey is not held back", "192.0.2.1", other, http.StatusCreated},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/surveys/"+st.survey+"/responses", "", body, "X-Forwarded-For", st.addr)
			if code != st.want {
				t.Errorf("got %d %s; want %d", code, b, st.want)
			}
		})
	}
	t.Run("the next minute takes the address again", func(t *testing.T) {
		ta.now = ta.now.Add(time.Minute)
		if code, b := ta.do("POST", "/api/v1/surveys/"+one+"/responses", "", body, "X-Forwarded-For", "192.0.2.1"); code != http.StatusCreated {
			t.Errorf("got %d %s; want 201", code, b)
		}
	})
	t.Run("the limiter keeps nothing in the database", func(t *testing.T) {
		client, err := mongo.Connect(t.Context(), options.Client().ApplyURI(dbtest.URI()))
		if err != nil {
			t.Fatal(err)
		}
		defer client.Disconnect(t.Context())
		n, err := client.Database(ta.db.Name()).Collection("limits").CountDocuments(t.Context(), bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("got %d documents in limits; want 0", n)
		}
		for _, addr := range []string{"192.0.2.1", "192.0.2.2"} {
			if in, _ := ta.db.Containing(t.Context(), addr); len(in) > 0 {
				t.Errorf("got the address %s in %v; want it nowhere", addr, in)
			}
		}
	})
}

func TestSubmitLimiterStaysBoundedUnderManyAddresses(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 30, 0, time.UTC)
	keys := func(l *submitLimiter) int {
		n := 0
		for i := range l.shards {
			n += len(l.shards[i].counts)
		}
		return n
	}
	tests := []struct {
		name      string
		addresses int
		want      int
	}{
		{"a few addresses are each kept", 1000, 1000},
		{"four times the capacity keeps at most the capacity", 4 * limiterShards * limiterPerShard, limiterShards * limiterPerShard},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newSubmitLimiter()
			for i := range tc.addresses {
				if _, ok := l.allow("s", "10.0."+strconv.Itoa(i), 120, now); !ok {
					t.Fatalf("address %d: got refused; want its first submission taken", i)
				}
			}
			if got := keys(l); got != tc.want {
				t.Errorf("got %d keys; want %d", got, tc.want)
			}
		})
	}
}
