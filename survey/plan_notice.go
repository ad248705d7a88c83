package survey

import (
	"fmt"
	"strings"
	"time"
)

// PlanAcknowledgedNotice is the message to a representative of the village
// that the municipality has acknowledged its plan: in Swedish, with full
// links (publicURL starts them) to the plan and the village's public page.
func PlanAcknowledgedNotice(p *Plan, villageName string, to *User, publicURL string, now time.Time) OutboxMessage {
	base := strings.TrimSuffix(publicURL, "/")
	subject := fmt.Sprintf("Utvecklingsplanen %d för %s är kvitterad", p.Year, villageName)
	text := fmt.Sprintf("Kommunen har tagit emot och kvitterat utvecklingsplanen %d för %s.", p.Year, villageName)
	if a := p.Acknowledgement; a != nil {
		text = fmt.Sprintf("Kommunen har tagit emot och kvitterat utvecklingsplanen %d för %s den %s.", p.Year, villageName, DateOf(a.At))
		if a.Comment != "" {
			text += "\n\nKommentar från kommunen:\n" + a.Comment
		}
	}
	text += fmt.Sprintf("\n\nLäs planen: %s/planer/%s\nByns sida: %s/byar/%s\nByns tidslinje: %s/byar/%s/tidslinje",
		base, p.ID, base, p.Village, base, p.Village)
	body := fmt.Sprintf("Hej %s!\n\n%s\n\nHälsningar\nFörankra\n", to.Name, text)
	return OutboxMessage{To: to.Email, ToName: to.Name, Subject: subject, Body: body, Village: p.Village,
		Status: MessageQueued, Created: now.UTC()}
}
