package main

import (
	"io"
	"testing"
)

func TestAuthSettingsComeFromTheEnvironmentAndFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		limit   int
		secure  bool
		public  string
		wantErr bool
	}{
		{"defaults", nil, nil, 120, false, "", false},
		{"environment", map[string]string{"FORANKRA_SUBMIT_LIMIT": "0", "FORANKRA_COOKIE_SECURE": "true", "FORANKRA_PUBLIC_URL": "https://f.example"}, nil, 0, true, "https://f.example", false},
		{"the old name still sets the public address", map[string]string{"FORANKRA_BASE_URL": "https://old.example"}, nil, 120, false, "https://old.example", false},
		{"the new name wins over the old", map[string]string{"FORANKRA_BASE_URL": "https://old.example", "FORANKRA_PUBLIC_URL": "https://f.example"}, nil, 120, false, "https://f.example", false},
		{"a flag wins over the environment", map[string]string{"FORANKRA_SUBMIT_LIMIT": "5"}, []string{"-submit-limit", "7"}, 7, false, "", false},
		{"a negative limit", map[string]string{"FORANKRA_SUBMIT_LIMIT": "-1"}, nil, 0, false, "", true},
		{"a limit that is not a number", map[string]string{"FORANKRA_SUBMIT_LIMIT": "många"}, nil, 0, false, "", true},
		{"a secure flag that is not a boolean", map[string]string{"FORANKRA_COOKIE_SECURE": "ja"}, nil, 0, false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v; want error %v", err, tt.wantErr)
			}
			if err == nil && (c.submitLimit != tt.limit || c.cookieSecure != tt.secure || c.publicURL != tt.public) {
				t.Errorf("got limit %d, secure %v, public %q; want %d, %v, %q", c.submitLimit, c.cookieSecure, c.publicURL, tt.limit, tt.secure, tt.public)
			}
		})
	}
}
