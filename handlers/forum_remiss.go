package handlers

import (
	"context"

	"github.com/forankra/forankra/survey"
)

// The forum's dashboard lists the remiss rounds the user may read, newest
// first as listRemisses gives them, with how many of the villages asked
// have answered.
func init() {
	forumRounds = func(s *server, cx context.Context, u *survey.User) ([]forumRound, error) {
		views, err := s.listRemisses(cx, u, "", "", "")
		if err != nil {
			return nil, err
		}
		titles := map[string]string{}
		out := make([]forumRound, 0, len(views))
		for _, v := range views {
			title, ok := titles[v.Proposal]
			if !ok {
				title = v.Proposal
				if p, err := s.remiss.proposals.Get(cx, v.Proposal); err == nil {
					title = p.Title
				}
				titles[v.Proposal] = title
			}
			status := "Öppen"
			if v.Status != survey.RemissOpen {
				status = "Stängd"
			}
			out = append(out, forumRound{Title: title, Href: "/remisser/" + v.ID + "/sammanstallning", Status: status,
				Deadline: v.Deadline.String(), Answered: len(v.Answered), Asked: len(v.Villages)})
		}
		return out, nil
	}
}
