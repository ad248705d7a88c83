package handlers

import (
	"context"
	"fmt"
	"testing"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

func TestTheSurveyListSearchesFiltersAndPages(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	if err := storage.NewVillages(ta.db).Create(context.Background(), survey.Village{Slug: "aby", Name: "Åby", Created: ta.now}); err != nil {
		t.Fatal(err)
	}
	store := storage.NewSurveys(ta.db)
	for i := 1; i <= 27; i++ {
		sv, _ := survey.NewDraft(survey.Details{Title: fmt.Sprintf("Enkät %02d", i), Villages: []string{"aby"}})
		if i == 5 {
			sv.Title, sv.Status = "Bussarna i Åby", survey.Closed
		}
		sv.Created = ta.now
		if err := store.Create(context.Background(), sv); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, query   string
		want, notWant []string
	}{
		{"the first page shows 25 of 27 with village names", "", []string{"27 enkäter", "Sida 1 av 2", ">Åby<"}, nil},
		{"a title is found whatever its case", "?q=BUSS", []string{"Bussarna i Åby", "1 enkäter"}, []string{"Enkät 01"}},
		{"a status filter keeps that status", "?lage=closed", []string{"Bussarna i Åby"}, []string{"Enkät 02"}},
		{"an unknown status shows every survey", "?lage=nonsense", []string{"27 enkäter"}, nil},
		{"a search that finds nothing says so", "?q=finnsinte", []string{"Inga enkäter matchar sökningen."}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("GET", "/enkater"+tc.query, off, nil)
			checkPage(t, code, page, tc.want, tc.notWant)
		})
	}
}
