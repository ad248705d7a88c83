package handlers

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"github.com/forankra/forankra/charts"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates, one set per page, and the static files
// with their content hashes (for cache-busting links).
type pages struct {
	sets   map[string]*template.Template
	static map[string]staticFile
}

type staticFile struct {
	body []byte
	hash string
	mime string
}

func loadPages() *pages {
	p := &pages{sets: map[string]*template.Template{}, static: map[string]staticFile{}}
	_ = fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, _ := staticFS.ReadFile(name)
		sum := sha256.Sum256(body)
		p.static[strings.TrimPrefix(name, "static/")] = staticFile{body: body, hash: hex.EncodeToString(sum[:6]), mime: mime.TypeByExtension(path.Ext(name))}
		return nil
	})
	funcs := template.FuncMap{
		"t":      translate,
		"tn":     translateN,
		"pct":    percentIn,
		"kr":     kronor,
		"kind":   func(code string) string { return charts.ParseFocusKind(code).String() },
		"asset":  p.assetURL,
		"likert": func(i int) string { return survey.LikertLabels[i-1] },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i + 1
			}
			return out
		},
		"num":   survey.FormatNumber,
		"add":   func(a, b int) int { return a + b },
		"deref": func(f *float64) float64 { return *f },
		"label": label,
		// pair passes two values to a template ("escalation" takes the
		// language and the level).
		"pair":  func(a, b any) []any { return []any{a, b} },
		"colon": colon,
		// errs gives the "formerrors" template its language.
		"errs": func(lang string, fe formErrors) langErrors { return langErrors{Lang: lang, formErrors: fe} },
		// meetings
		"when":        meetingWhen,
		"meetingkind": meetingKindName,
	}
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		p.sets[strings.TrimSuffix(base, ".html")] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, name))
	}
	return p
}

// langErrors is a form's errors with the page's language, for the
// "formerrors" template.
type langErrors struct {
	Lang string
	formErrors
}

// colon ends a label before its message with a colon, unless the label
// already ends with a full stop, question or exclamation mark ("Hur
// viktigt är det för mig? Frågan måste besvaras", not "mig?: Frågan").
func colon(label string) string {
	if strings.HasSuffix(label, ".") || strings.HasSuffix(label, "?") || strings.HasSuffix(label, "!") || strings.HasSuffix(label, ":") {
		return label
	}
	return label + ":"
}

// assetURL links a static file with its content hash, so it can be cached for good.
func (p *pages) assetURL(name string) string {
	return "/static/" + name + "?v=" + p.static[name].hash
}

func (s *server) static(c *fiber.Ctx) error {
	f, ok := site.static[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.mime)
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	c.Set(fiber.HeaderETag, `"`+f.hash+`"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+f.hash+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(f.body)
}

// view is what every page template receives.
type view struct {
	Lang  string
	Title string
	User  *survey.User
	Path  string
	// CSRF is the token every state-changing form of a signed-in page posts
	// back as the hidden field "_csrf"; the session middleware sets it.
	CSRF string
	// Nav is the header's links for the signed-in user; Admin the
	// administration pages' own links, on those pages.
	Nav, Admin []navItem
	Data       any
}

// navItem is one link of the header. Current is the aria-current value:
// "page" on the page itself, "true" on a page inside its part.
type navItem struct {
	Href, Label, Current string
}

// navPart is a part of the service: shown to whoever may take its action,
// current on every path under one of its prefixes.
type navPart struct {
	href, label string
	action      survey.Action
	prefixes    []string
}

// navParts are the header's parts, in order. Who sees which comes from
// survey.Can, not from a list of roles.
var navParts = []navPart{
	{"/att-gora", "Att göra", survey.ManageOwnAccount, []string{"/att-gora"}},
	{"/enkater", "Enkäter", survey.ReadSurveyResults, []string{"/enkater"}},
	{"/forslag", "Förslag och remisser", survey.ReadRemiss, []string{"/forslag", "/remisser"}},
	{"/forum", "Forum", survey.ReadComparison, []string{"/forum"}},
	{"/arenden", "Ärenden", survey.ReadMatters, []string{"/arenden"}},
	{"/moten", "Möten", survey.ReadMeetings, []string{"/moten"}},
	{"/fonder", "Bygdepeng", survey.ReadFunds, []string{"/fonder"}},
	{"/serviceplan", "Serviceplan", survey.AdoptServicePlan, []string{"/serviceplan"}},
}

// adminParts are the administration pages; the header links the first the
// user may use as "Administration".
var adminParts = []navPart{
	{"/admin/byar", "Byar", survey.ManageVillages, []string{"/admin/byar"}},
	{"/admin/anvandare", "Användare", survey.ManageUsers, []string{"/admin/anvandare"}},
	{"/admin/logg", "Logg", survey.ReadAudit, []string{"/admin/logg"}},
}

// current is the aria-current value of a part for the path.
func (p navPart) current(path string) string {
	if path == p.href {
		return "page"
	}
	for _, pre := range p.prefixes {
		if path == pre || strings.HasPrefix(path, pre+"/") {
			return "true"
		}
	}
	return ""
}

// navLinks returns the header's links and, on an administration page, the
// administration links, for what u may use.
func navLinks(u *survey.User, path string) (nav, admin []navItem) {
	if u == nil {
		return nil, nil
	}
	for _, p := range navParts {
		if survey.Can(u, p.action) {
			nav = append(nav, navItem{Href: p.href, Label: p.label, Current: p.current(path)})
		}
	}
	var first navItem
	for _, p := range adminParts {
		if !survey.Can(u, p.action) {
			continue
		}
		it := navItem{Href: p.href, Label: p.label, Current: p.current(path)}
		if first.Href == "" {
			first = navItem{Href: p.href, Label: "Administration"}
		}
		if it.Current != "" {
			first.Current = "true"
		}
		admin = append(admin, it)
	}
	if first.Href != "" {
		if first.Current == "" && path == first.Href {
			first.Current = "page"
		}
		nav = append(nav, first)
	}
	if !strings.HasPrefix(path, "/admin/") {
		admin = nil
	}
	return nav, admin
}

// site is the service's pages, parsed once from the embedded files.
var site = loadPages()

// render writes a page with the given status.
func render(c *fiber.Ctx, status int, name, title string, data any) error {
	set, ok := site.sets[name]
	if !ok {
		return fmt.Errorf("ingen sidmall %q", name)
	}
	csrf, _ := c.Locals(localCSRF).(string)
	v := view{Lang: lang(c), User: currentUser(c), Path: c.OriginalURL(), CSRF: csrf, Data: data}
	v.Nav, v.Admin = navLinks(v.User, c.Path())
	v.Title = translate(v.Lang, title)
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("sida %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(withoutBidiControls(buf.Bytes()))
}

// bidiControls are the Unicode controls that reorder the text after them
// (embeddings, overrides, isolates). Our templates use none, so any in a
// page came from what someone typed — a title or an answer that shows as
// "txt.exe" while it says "exe.txt" — and is removed from every page.
var bidiControls = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "",
)

// withoutBidiControls returns the page without bidiControls.
func withoutBidiControls(page []byte) []byte {
	if !bytes.Contains(page, []byte("\xe2\x80")) && !bytes.Contains(page, []byte("\xe2\x81")) {
		return page
	}
	return []byte(bidiControls.Replace(string(page)))
}

// errorPage is what the error page says: a heading, what happened, what to
// do, and the code where it helps someone who asks for support.
type errorPage struct {
	Code          int
	Message, Help string
	ShowCode      bool
}

func renderError(c *fiber.Ctx, code int, msg string) error {
	title := "Något gick inte som tänkt"
	e := errorPage{Code: code, Message: msg, ShowCode: true}
	switch {
	case code == fiber.StatusNotFound:
		title = "Sidan finns inte"
		e.Message = "Adressen stämmer inte, eller så finns sidan inte längre."
		e.Help = "Kontrollera att länken är rätt skriven, eller gå till startsidan och välj din by där."
		e.ShowCode = false
	case code == fiber.StatusConflict && strings.HasPrefix(c.Path(), "/s/") && msg == closedMessage:
		title = "Enkäten är stängd"
		e.Message = "Enkäten tar inte emot fler svar."
		e.Help = "På startsidan ser du de enkäter som är öppna för din by. Har du frågor om enkäten, kontakta din byrepresentant eller kommunen."
		e.ShowCode = false
	}
	return render(c, code, "error", title, e)
}
