package main

import (
	"bytes"
	"os"
	"regexp"
	"testing"
)

// TestREADMEListsEverySetting keeps the README's configuration table true:
// every flag and every FORANKRA_ variable the service reads is in it, and
// every FORANKRA_ variable in it is read.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var usage bytes.Buffer
	_, _ = parseConfig([]string{"-h"}, func(string) string { return "" }, &usage)
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(usage.String(), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d flags in the usage text; want them all:\n%s", len(flags), usage.String())
	}
	for _, f := range flags {
		if !bytes.Contains(readme, []byte("`-"+f[1]+"`")) {
			t.Errorf("README: flag -%s is missing from the configuration table", f[1])
		}
	}
	source, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	envVar := regexp.MustCompile(`"(FORANKRA_[A-Z_]+|MONGODB_URI)"`)
	read := map[string]bool{}
	for _, m := range envVar.FindAllSubmatch(source, -1) {
		read[string(m[1])] = true
		if !bytes.Contains(readme, []byte("`"+string(m[1])+"`")) {
			t.Errorf("README: %s is read by the service but missing from the configuration table", m[1])
		}
	}
	for _, m := range regexp.MustCompile("`(FORANKRA_[A-Z_]+)`").FindAllSubmatch(readme, -1) {
		if !read[string(m[1])] && string(m[1]) != "FORANKRA_CHROMIUM" && string(m[1]) != "FORANKRA_AXE" {
			t.Errorf("README names %s, which the service does not read", m[1])
		}
	}
}
