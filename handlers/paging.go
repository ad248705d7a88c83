package handlers

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Staff lists (users, surveys) come from small collections: they are read
// whole, filtered in Go and shown a page at a time. The audit log, which
// grows, pages by _id cursor in storage instead.

// pageSize is how many rows a list page shows.
const pageSize = 25

// pager says which page of a list is shown and links to its neighbours,
// keeping the list's filters.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

// pageOf returns the page of items asked for in ?sida= (1 when missing or
// out of range) and its pager.
func pageOf[T any](c *fiber.Ctx, items []T) ([]T, pager) {
	p := pager{Total: len(items), Pages: (len(items) + pageSize - 1) / pageSize}
	if p.Pages == 0 {
		p.Pages = 1
	}
	p.Page, _ = strconv.Atoi(c.Query("sida"))
	if p.Page < 1 || p.Page > p.Pages {
		p.Page = 1
	}
	link := func(n int) string {
		q := url.Values{}
		c.Context().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
		q.Set("sida", strconv.Itoa(n))
		return c.Path() + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	from, to := (p.Page-1)*pageSize, p.Page*pageSize
	if to > len(items) {
		to = len(items)
	}
	return items[from:to], p
}
