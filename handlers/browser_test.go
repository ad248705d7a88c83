package handlers

// The browser harness: end-to-end tests drive Debian's Chromium (headless)
// through the real service, over a real HTTP listener on 127.0.0.1 and a real
// database. One browser is started per test binary, on first use; every test
// gets its own tab in its own browser context (fresh cookies and
// localStorage) at a 360×740 phone viewport. The tests live in package
// handlers, beside the other handler tests, so they reuse newTestApp,
// ta.user and the embedded database that TestMain starts, and reach the
// stores directly to check what was saved.
//
// To add a page to the browser tests:
//
//	tab := newTab(t)                         // skips (or fails in CI) without Chromium
//	base := ta.serve()                       // the service on 127.0.0.1:0
//	mustDo(t, tab, chromedp.Navigate(base+"/some/page"))
//	scanPage(t, tab, "the page")             // axe-core: no WCAG 2.1 A/AA violations
//	scanURL(t, tab, base+"/other", "other")  // the same after a navigation
//
// Settings: FORANKRA_CHROMIUM names the browser (default: chromium on PATH),
// FORANKRA_AXE the axe-core script (default: .ci/node_modules/axe-core/axe.min.js).
// With CI=true a missing browser or axe-core fails the run; otherwise the
// browser tests skip and say how to install what is missing.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Phone viewport of the browser tests.
const (
	phoneWidth  = 360
	phoneHeight = 740
	// tabTimeout bounds everything one test does in its tab.
	tabTimeout = 60 * time.Second
)

const installHint = "browser tests need Chromium: apt-get install -y chromium (or set FORANKRA_CHROMIUM)"

var browser struct {
	once   sync.Once
	ctx    context.Context // the browser's chromedp context; tabs are made from it
	stop   func()
	dir    string
	err    error
	skip   string // why there is no browser, when it was not found
	axe    string // axe-core's source, read once
	axeErr error
	axeOne sync.Once
}

// chromiumPath finds the browser: FORANKRA_CHROMIUM, else chromium on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("FORANKRA_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH")
}

// inCI reports whether the tests run in CI, where a missing tool is a failure.
func inCI() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips a browser test outside CI and fails it in CI.
func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true: %s", msg)
	}
	t.Skip(msg)
}

// needBrowser skips the whole test (fails it in CI) when there is no
// browser: a test made of subtests must not report PASS when every subtest
// skipped.
func needBrowser(t *testing.T) {
	t.Helper()
	browser.once.Do(startBrowser)
	if browser.skip != "" {
		skipOrFail(t, browser.skip)
	}
}

func startBrowser() {
	path, err := chromiumPath()
	if err != nil {
		browser.skip = installHint + ": " + err.Error()
		return
	}
	browser.dir, browser.err = os.MkdirTemp("", "forankra-chromium-")
	if browser.err != nil {
		return
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(browser.dir),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	browser.ctx = ctx
	browser.stop = func() { cancel(); cancelAlloc(); os.RemoveAll(browser.dir) }
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		browser.err = fmt.Errorf("start %s: %w", path, err)
	}
}

// stopBrowser ends the shared browser, if one was started. TestMain calls it.
func stopBrowser() {
	if browser.stop != nil {
		browser.stop()
	}
}

// newTab opens a tab in a fresh browser context at the phone viewport. The
// returned context carries the tab and a timeout; the tab closes when the
// test ends. Without a browser the test skips (fails in CI).
func newTab(t *testing.T) context.Context {
	t.Helper()
	browser.once.Do(startBrowser)
	if browser.skip != "" {
		skipOrFail(t, browser.skip)
	}
	if browser.err != nil {
		t.Fatalf("browser: %v", browser.err)
	}
	tab, closeTab := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		closeTab()
		t.Fatalf("new tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, tabTimeout)
	t.Cleanup(func() { cancel(); closeTab() })
	watchConsole(t, ctx)
	mustDo(t, ctx,
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
			return err
		}),
	)
	return ctx
}

// watchConsole fails the test, when it ends, if a page in the tab threw an
// uncaught exception or broke the Content-Security-Policy.
func watchConsole(t *testing.T, ctx context.Context) {
	var mu sync.Mutex
	var bad []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				where := ""
				if m.URL != "" {
					where = fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
				}
				bad = append(bad, m.String()+where)
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(bad) > 0 {
			t.Errorf("the page reported script errors or CSP violations:\n  %s", strings.Join(bad, "\n  "))
		}
	})
}

// mustDo runs the actions in the tab or fails the test.
func mustDo(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression in the tab (awaiting a promise) and
// decodes its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browser: evaluate %.60q: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true or the time is up.
func waitFor(t *testing.T, ctx context.Context, what, js string, within time.Duration) {
	t.Helper()
	end := time.Now().Add(within)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(end) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("waited %s for %s (%s) at %s; last error %v", within, what, js, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// disableScript switches JavaScript off in the tab (before a navigation).
func disableScript(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("browser: disable script: %v", err)
	}
}

// setOffline cuts the tab's network (and tells the page, so navigator.onLine
// and the offline/online events follow) or restores it.
func setOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	var rules []*network.Conditions
	if offline {
		rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
		t.Fatalf("browser: network conditions: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatalf("browser: network state: %v", err)
	}
}

// serve runs the test app on a real listener on 127.0.0.1 and returns its
// base URL; it stops when the test ends.
func (ta *testApp) serve() string {
	ta.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ta.t.Fatalf("listen: %v", err)
	}
	go func() { _ = ta.app.Listener(ln) }()
	ta.t.Cleanup(func() { _ = ta.app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// axeTags are the rule sets the scan runs: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeScript reads axe-core once: FORANKRA_AXE, else .ci/node_modules.
func axeScript(t *testing.T) string {
	t.Helper()
	browser.axeOne.Do(func() {
		path := os.Getenv("FORANKRA_AXE")
		if path == "" {
			path = filepath.Join("..", ".ci", "node_modules", "axe-core", "axe.min.js")
		}
		b, err := os.ReadFile(path)
		browser.axe, browser.axeErr = string(b), err
	})
	if browser.axeErr != nil {
		skipOrFail(t, "the accessibility scan needs axe-core: npm ci --prefix .ci, which installs axe-core@4 (or set FORANKRA_AXE): "+browser.axeErr.Error())
	}
	return browser.axe
}

// axeResult is what the scan brings back from the page.
type axeResult struct {
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// scanPage runs axe-core (served from disk, injected into the page) on the
// page the tab shows, with the WCAG 2.1 A and AA rules, and fails the test
// with a readable list of the violations.
func scanPage(t *testing.T, ctx context.Context, name string) axeResult {
	t.Helper()
	res := runAxe(t, ctx)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if len(res.Violations) == 0 {
		t.Logf("axe %s: %s: %d rules passed, 0 violations (needs review: %v)", name, loc, res.Passes, res.Incomplete)
		return res
	}
	t.Error(res.report(name + " (" + loc + ")"))
	return res
}

// scanURL opens the page in the tab and scans it as scanPage does.
func scanURL(t *testing.T, ctx context.Context, url, name string) axeResult {
	t.Helper()
	mustDo(t, ctx, chromedp.Navigate(url))
	return scanPage(t, ctx, name)
}

// report lists the violations readably: rule, impact, help, and each element
// with its HTML and what to fix.
func (res axeResult) report(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "axe found %d WCAG 2.1 A/AA violations on %s:", len(res.Violations), name)
	for _, v := range res.Violations {
		fmt.Fprintf(&b, "\n  [%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    at %s\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	return b.String()
}

// runAxe injects axe-core into the page the tab shows and runs it.
func runAxe(t *testing.T, ctx context.Context) axeResult {
	t.Helper()
	src := axeScript(t)
	if !eval[bool](t, ctx, "typeof axe === 'object'") {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](src+";0")); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	js := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}}).then(r => JSON.stringify({
		passes: r.passes.length,
		incomplete: r.incomplete.map(v => v.id),
		violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}))}))`
	var res axeResult
	if err := json.Unmarshal([]byte(eval[string](t, ctx, js)), &res); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return res
}

func TestAccessibilityScanFindsViolations(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	bad := `data:text/html,<!doctype html><html><head><title>x</title></head><body><main>` +
		`<img src="data:,"><input type="text"><p style="color:%23bbb;background:%23fff">ljusgrå</p></main></body></html>`
	mustDo(t, tab, chromedp.Navigate(bad))
	res := runAxe(t, tab)
	var ids []string
	for _, v := range res.Violations {
		ids = append(ids, v.ID)
	}
	for _, want := range []string{"image-alt", "label", "color-contrast", "html-has-lang"} {
		if !strings.Contains(strings.Join(ids, " "), want) {
			t.Errorf("got violations %v; want %s among them (the scan must catch what it is for)", ids, want)
		}
	}
	if report := res.report("a bad page"); !strings.Contains(report, "image-alt") || !strings.Contains(report, "<img") {
		t.Errorf("got report %q; want the rule and the element", report)
	}
}
