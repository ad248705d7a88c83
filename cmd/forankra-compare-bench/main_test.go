package main

import (
	"context"
	"strings"
	"testing"
)

func TestBenchMeasuresBothWaysOfFilling(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a database")
	}
	var out strings.Builder
	err := run(context.Background(), []string{"-sizes", "40,60", "-calls", "3", "-batch", "25", "-add-up-to", "50"}, func(string) string { return "" }, &out)
	if err != nil {
		t.Fatalf("got %v; want the figures", err)
	}
	for _, want := range []string{"| 40 | Add,", "| 60 | bulk+repair,"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("got %s; want a row starting %q", out.String(), want)
		}
	}
}
