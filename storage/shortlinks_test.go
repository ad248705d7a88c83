package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

func TestShortLinksAreOnePerVillageOfASurveyEvenWhenClaimedAtOnce(t *testing.T) {
	links := storage.NewShortLinks(dbtest.New(t))
	ctx := context.Background()
	const callers = 8
	got := make([]string, callers)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code, err := links.Ensure(ctx, "sv1", "aby")
			if err != nil {
				t.Errorf("Ensure: %v", err)
			}
			got[i] = code
		}(i)
	}
	wg.Wait()
	for i, code := range got {
		if code != got[0] {
			t.Fatalf("caller %d got %q; want %q like caller 0", i, code, got[0])
		}
	}
	other, err := links.Ensure(ctx, "sv2", "aby")
	if err != nil {
		t.Fatal(err)
	}
	if other == got[0] {
		t.Fatalf("two surveys share the short link %q", other)
	}
	for _, tc := range []struct{ code, survey, village string }{{got[0], "sv1", "aby"}, {other, "sv2", "aby"}} {
		l, err := links.Resolve(ctx, tc.code)
		if err != nil {
			t.Fatal(err)
		}
		if l.Survey != tc.survey || l.Village != tc.village {
			t.Errorf("Resolve(%q) = %s/%s; want %s/%s", tc.code, l.Survey, l.Village, tc.survey, tc.village)
		}
	}
	if _, err := links.Resolve(ctx, "AAAAAA"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("Resolve of an unknown link: %v; want ErrNotFound", err)
	}
}
