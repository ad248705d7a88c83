package survey

import (
	"math"
	"math/rand/v2"
	"time"
)

// Demo is a small, plausible data set: Vingåker-like villages, one open
// survey with every question type, and responses with real differences
// between the villages, so that a newcomer sees the service at work.
type Demo struct {
	Villages  []Village
	Survey    Definition
	Responses []DemoResponse
}

// DemoResponse is one generated response.
type DemoResponse struct {
	Village string
	Answers map[string]Answer
}

// NewDemo generates the demo data deterministically from seed.
func NewDemo(now time.Time, seed uint64) Demo {
	villages := []Village{
		{Slug: "baggetorp", Name: "Baggetorp", Population: 610},
		{Slug: "hogsjo", Name: "Högsjö", Population: 720},
		{Slug: "marmorbyn", Name: "Marmorbyn", Population: 310},
		{Slug: "osteraker", Name: "Österåker", Population: 260},
		{Slug: "lappe", Name: "Läppe", Population: 140},
	}
	slugs := make([]string, len(villages))
	for i := range villages {
		villages[i].Created = now.UTC()
		slugs[i] = villages[i].Slug
	}
	maxChoices, minAge, maxAge := 2.0, 0.0, 120.0
	def := Definition{
		Title:       "Service och framtid i byarna 2026",
		Description: "Bygdeforum vill veta vad som är viktigast i din by inför kommunens service- och utvecklingsplan. Det tar fem minuter.",
		Villages:    slugs,
		Access:      AccessLink,
		Questions: []Question{
			{Key: "busstrafik", Type: Likert, Prompt: "Busstrafiken fungerar bra för mig.", Required: true},
			{Key: "viktigast", Type: Single, Prompt: "Vad är viktigast för byn de närmaste åren?", Options: []string{"Bredband", "Skola och förskola", "Kollektivtrafik", "Bostäder"}, Required: true},
			{Key: "motesplatser", Type: Multi, Prompt: "Vilka mötesplatser använder du?", Options: []string{"Bygdegården", "Idrottsplatsen", "Kyrkan", "Badplatsen"}, Max: &maxChoices},
			{Key: "satsningar", Type: Rank, Prompt: "Ordna satsningarna efter hur viktiga de är.", Options: []string{"Gång- och cykelväg", "Laddstolpar", "Lekplats"}},
			{Key: "ar_i_byn", Type: Number, Prompt: "Hur många år har du bott i byn?", Min: &minAge, Max: &maxAge},
			{Key: "ovrigt", Type: Text, Prompt: "Något mer du vill säga till forumet?"},
		},
	}
	_ = def.Check()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Each village leans its own way on some questions and not on others.
	bus := map[string]float64{"baggetorp": 3.8, "hogsjo": 3.1, "marmorbyn": 2.2, "osteraker": 2.0, "lappe": 2.4}
	counts := map[string]int{"baggetorp": 92, "hogsjo": 104, "marmorbyn": 47, "osteraker": 38, "lappe": 4}
	texts := []string{"", "", "", "Tack för att ni frågar!", "Bättre vinterväghållning behövs.", "Bevara bygdegården."}
	var responses []DemoResponse
	for _, v := range villages {
		for i := 0; i < counts[v.Slug]; i++ {
			a := map[string]Answer{}
			likert := math.Round(bus[v.Slug] + rng.NormFloat64()*1.1)
			likert = math.Max(1, math.Min(5, likert))
			a["busstrafik"] = Answer{Number: &likert}
			weights := []float64{4, 2, 2, 1}
			if v.Slug == "marmorbyn" || v.Slug == "osteraker" {
				weights = []float64{2, 1, 5, 1}
			}
			a["viktigast"] = Answer{Option: def.Questions[1].Options[pick(rng, weights)]}
			var places []string
			for _, o := range def.Questions[2].Options {
				if rng.Float64() < 0.35 && len(places) < 2 {
					places = append(places, o)
				}
			}
			if len(places) > 0 {
				a["motesplatser"] = Answer{Options: places}
			}
			order := append([]string(nil), def.Questions[3].Options...)
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			a["satsningar"] = Answer{Options: order}
			years := math.Round(math.Abs(rng.NormFloat64()*15 + 20))
			a["ar_i_byn"] = Answer{Number: &years}
			if t := texts[rng.IntN(len(texts))]; t != "" {
				a["ovrigt"] = Answer{Text: t}
			}
			responses = append(responses, DemoResponse{Village: v.Slug, Answers: a})
		}
	}
	return Demo{Villages: villages, Survey: def, Responses: responses}
}

func pick(rng *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// DemoUser is a demo account: one for each role, all with one password.
type DemoUser struct {
	Email, Name, Role string
	Villages          []string
}

// DemoUsers lists the demo accounts, the administrator first.
var DemoUsers = []DemoUser{
	{Email: "admin@demo.forankra.se", Name: "Alva Administratör", Role: RoleAdmin},
	{Email: "tjansteperson@demo.forankra.se", Name: "Karin Lund", Role: RoleOfficial},
	{Email: "politiker@demo.forankra.se", Name: "Per Ek", Role: RolePolitician},
	{Email: "hogsjo@demo.forankra.se", Name: "Anna Berg", Role: RoleRepresentative, Villages: []string{"hogsjo"}},
	{Email: "baggetorp@demo.forankra.se", Name: "Lars Nyberg", Role: RoleRepresentative, Villages: []string{"baggetorp", "lappe"}},
	{Email: "forum@demo.forankra.se", Name: "Eva Holm", Role: RoleForum},
}

// DemoProposal is a citizen proposal of the demo with its remiss round, in
// days before the day of seeding: a round with Sent == 0 is not sent.
type DemoProposal struct {
	Title, Body, SubmittedBy string
	ReceivedDaysAgo          int
	Round                    *DemoRound
	Decision                 *DecisionInput
	DecidedDaysAgo           int
}

// DemoRound is a remiss round of the demo, dated relative to the seeding day.
type DemoRound struct {
	Villages []string
	Question string
	// SentDaysAgo and DeadlineDaysAgo date the round (a negative deadline lies
	// ahead); ClosedDaysAgo > 0 closes it early.
	SentDaysAgo, DeadlineDaysAgo, ClosedDaysAgo int
	Answers                                     []DemoAnswer
}

// DemoAnswer is one group's answer, given AnsweredDaysAgo.
type DemoAnswer struct {
	Village         string
	AnsweredDaysAgo int
	Answer          AnswerInput
}

// DemoProposals are the demo's proposals: one in each state a proposal passes
// through, so that every page has something to show.
var DemoProposals = []DemoProposal{
	{Title: "Gång- och cykelväg mellan Baggetorp och Vingåker",
		Body:        "Jag föreslår att kommunen bygger en belyst gång- och cykelväg längs väg 52 så att barnen kan cykla säkert till skolan.",
		SubmittedBy: "Maria Johansson", ReceivedDaysAgo: 40,
		Round: &DemoRound{Villages: []string{"baggetorp", "hogsjo", "marmorbyn"}, SentDaysAgo: 20, DeadlineDaysAgo: -14,
			Question: "Behövs vägen, och var ska den gå?",
			Answers: []DemoAnswer{
				{Village: "baggetorp", AnsweredDaysAgo: 6, Answer: AnswerInput{Stance: StanceSupport,
					Motivation: "Stormötet var enigt: vägen behövs för skolbarnen och för dem som pendlar.",
					Anchoring:  &Anchoring{Method: AnchorMeeting, Participants: 34}}},
				{Village: "marmorbyn", AnsweredDaysAgo: 3, Answer: AnswerInput{Stance: StanceSupportWithChanges,
					Motivation: "Bra, men den bör först byggas förbi badplatsen där trafiken är som tätast.",
					Anchoring:  &Anchoring{Method: AnchorBoard, Participants: 6}}},
			}}},
	{Title: "Laddstolpar vid bygdegårdarna",
		Body:        "Sätt upp två laddstolpar vid varje bygdegård så att det går att ladda bilen när man är på möte eller fest.",
		SubmittedBy: "Olof Persson", ReceivedDaysAgo: 95,
		Round: &DemoRound{Villages: []string{"baggetorp", "hogsjo", "marmorbyn", "osteraker", "lappe"}, SentDaysAgo: 80, DeadlineDaysAgo: 45,
			Answers: []DemoAnswer{
				{Village: "baggetorp", AnsweredDaysAgo: 60, Answer: AnswerInput{Stance: StanceSupport,
					Motivation: "Många i byn har elbil och bygdegården används flera kvällar i veckan.",
					Anchoring:  &Anchoring{Method: AnchorSurvey, Participants: 58}}},
				{Village: "hogsjo", AnsweredDaysAgo: 52, Answer: AnswerInput{Stance: StanceNoOpinion,
					Anchoring: &Anchoring{Method: AnchorBoard, Participants: 5}}},
				{Village: "osteraker", AnsweredDaysAgo: 50, Answer: AnswerInput{Stance: StanceOppose,
					Motivation: "Pengarna behövs mer till vinterväghållningen. Få i byn kör elbil.",
					Anchoring:  &Anchoring{Method: AnchorMeeting, Participants: 21}}},
				{Village: "lappe", AnsweredDaysAgo: 47, Answer: AnswerInput{Stance: StanceSupportWithChanges,
					Motivation: "En stolpe räcker i Läppe, men den bör vara snabbladdare.",
					Anchoring:  &Anchoring{Method: AnchorNone}}},
			}}},
	{Title: "Längre öppettider på biblioteket i Högsjö",
		Body:        "Biblioteket är bara öppet två eftermiddagar i veckan. Öppna det även på lördagar.",
		SubmittedBy: "Ingrid Svensson", ReceivedDaysAgo: 320,
		Round: &DemoRound{Villages: []string{"hogsjo", "osteraker"}, SentDaysAgo: 300, DeadlineDaysAgo: 250, ClosedDaysAgo: 270,
			Answers: []DemoAnswer{
				{Village: "hogsjo", AnsweredDaysAgo: 290, Answer: AnswerInput{Stance: StanceSupport,
					Motivation: "Biblioteket är byns enda öppna mötesplats på vintern.",
					Anchoring:  &Anchoring{Method: AnchorMeeting, Participants: 41}}},
				{Village: "osteraker", AnsweredDaysAgo: 280, Answer: AnswerInput{Stance: StanceSupport,
					Motivation: "Vi använder också biblioteket i Högsjö.",
					Anchoring:  &Anchoring{Method: AnchorBoard, Participants: 7}}},
			}}},
	{Title: "Belysning vid badplatsen i Läppe",
		Body:        "Badplatsen är mörk på kvällarna under sensommaren. Sätt upp belysning vid stigen och bryggan.",
		SubmittedBy: "Sven Karlsson", ReceivedDaysAgo: 210,
		Round: &DemoRound{Villages: []string{"lappe", "baggetorp"}, SentDaysAgo: 190, DeadlineDaysAgo: 160,
			Answers: []DemoAnswer{
				{Village: "lappe", AnsweredDaysAgo: 170, Answer: AnswerInput{Stance: StanceSupport,
					Motivation: "Stormötet ville ha belysning längs stigen, inte vid bryggan.",
					Anchoring:  &Anchoring{Method: AnchorMeeting, Participants: 18}}},
			}},
		Decision:       &DecisionInput{Outcome: OutcomePartlyApproved, Text: "Belysning längs stigen byggs under året; bryggan belyses inte."},
		DecidedDaysAgo: 120},
	{Title: "Hundrastgård i Marmorbyn",
		Body:        "Många i byn har hund. En inhägnad hundrastgård nära skolan skulle bli en mötesplats.",
		SubmittedBy: "Lena Ahlström", ReceivedDaysAgo: 4},
}

// DemoPlan is a village's plan of the demo: its priorities (focus area
// names from DefaultFocusAreas), actions, and how far it got.
type DemoPlan struct {
	Village, Summary string
	// YearsAgo is 1 for last year's plan, 0 for this year's, -1 for next
	// year's draft.
	YearsAgo int
	// Status is how far the plan got: draft, adopted, submitted or
	// acknowledged.
	Status     string
	Priorities []DemoPriority
}

// DemoPriority is a priority with its actions.
type DemoPriority struct {
	Area, Label, Rationale, Horizon string
	Actions                         []DemoAction
}

// DemoAction is an action, due MonthsFromNow months from the seeding month
// (negative: in the past), taken to Status.
type DemoAction struct {
	Title, Owner, Responsible string
	MonthsFromNow             int
	CostSEK                   int64
	Status                    string
}

// DemoPlans gives the five villages plans over two years, with actions in
// every state, so that the matrix and the diffs show something real.
var DemoPlans = []DemoPlan{
	{Village: "baggetorp", YearsAgo: 1, Status: PlanAcknowledged, Summary: "Baggetorp vill bli en by där barnfamiljer stannar.",
		Priorities: []DemoPriority{
			{Area: "Kommunikationer och vägar", Label: "Säker väg till skolan", Horizon: HorizonLong, Rationale: "Barnen cyklar längs väg 52 utan cykelbana.",
				Actions: []DemoAction{{Title: "Mäta trafiken vid skolan", Owner: OwnerGroup, Responsible: "Lars Nyberg", MonthsFromNow: -9, Status: ActionDone}}},
			{Area: "Föreningsliv och mötesplatser", Label: "Bygdegården året runt", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Byta fönster i bygdegården", Owner: OwnerGroup, Responsible: "Bygdegårdsföreningen", MonthsFromNow: -6, CostSEK: 48000, Status: ActionDone}}},
		}},
	{Village: "baggetorp", YearsAgo: 0, Status: PlanSubmitted, Summary: "Baggetorp vill bli en by där barnfamiljer stannar – nu med fokus på skolvägen.",
		Priorities: []DemoPriority{
			{Area: "Kommunikationer och vägar", Label: "Gång- och cykelväg till Vingåker", Horizon: HorizonLong, Rationale: "Trafikmätningen visade 2 400 fordon per dygn.",
				Actions: []DemoAction{
					{Title: "Ansöka om hastighetssänkning till 60", Owner: OwnerJoint, Responsible: "Karin Lund", MonthsFromNow: -1, Status: ActionInProgress},
					{Title: "Projektera gång- och cykelväg", Owner: OwnerMunicipality, Responsible: "Samhällsbyggnad", MonthsFromNow: 8, CostSEK: 350000, Status: ActionPlanned}}},
			{Area: "Skola och barnomsorg", Label: "Behålla förskolan", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Visa förskolan för nyinflyttade", Owner: OwnerGroup, Responsible: "Lars Nyberg", MonthsFromNow: 2, Status: ActionPlanned}}},
			{Area: "Föreningsliv och mötesplatser", Label: "Bygdegården året runt", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Tisdagskaféet i bygdegården", Owner: OwnerGroup, Responsible: "Bygdegårdsföreningen", MonthsFromNow: -2, Status: ActionDone}}},
		}},
	{Village: "hogsjo", YearsAgo: 1, Status: PlanAcknowledged, Summary: "Högsjö ska ha service nära.",
		Priorities: []DemoPriority{
			{Area: "Omsorg och service", Label: "Biblioteket öppet oftare", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Frivilliga bibliotekskvällar", Owner: OwnerGroup, Responsible: "Anna Berg", MonthsFromNow: -8, Status: ActionDone}}},
			{Area: "Bredband och mobiltäckning", Label: "Fiber till alla hushåll", Horizon: HorizonLong,
				Actions: []DemoAction{{Title: "Inventera hushåll utan fiber", Owner: OwnerGroup, Responsible: "Anna Berg", MonthsFromNow: -5, Status: ActionDropped}}},
		}},
	{Village: "hogsjo", YearsAgo: 0, Status: PlanAcknowledged, Summary: "Högsjö ska ha service nära och fungerande vägar.",
		Priorities: []DemoPriority{
			{Area: "Omsorg och service", Label: "Biblioteket öppet på lördagar", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Lördagsöppet biblioteket", Owner: OwnerMunicipality, Responsible: "Kultur och fritid", MonthsFromNow: -1, Status: ActionPlanned}}},
			{Area: "Kommunikationer och vägar", Label: "Vinterväghållning", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Egen plogning av byvägarna", Owner: OwnerJoint, Responsible: "Vägföreningen", MonthsFromNow: 1, CostSEK: 25000, Status: ActionInProgress}}},
			{Area: "Bredband och mobiltäckning", Label: "Fiber till alla hushåll", Horizon: HorizonLong,
				Actions: []DemoAction{{Title: "Samla intresse för fiber", Owner: OwnerGroup, Responsible: "Anna Berg", MonthsFromNow: 4, Status: ActionPostponed}}},
		}},
	{Village: "marmorbyn", YearsAgo: 0, Status: PlanSubmitted, Summary: "Marmorbyn satsar på bystugan, bussen och badplatsen.",
		Priorities: []DemoPriority{
			{Area: "Föreningsliv och mötesplatser", Label: "Bystugan som mötesplats", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Öppet hus i bystugan varje månad", Owner: OwnerGroup, Responsible: "Byalaget", MonthsFromNow: 1, Status: ActionInProgress}}},
			{Area: "Kommunikationer och vägar", Label: "Bussen till Katrineholm", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Önska fler turer i länstrafikens samråd", Owner: OwnerJoint, Responsible: "Karin Lund", MonthsFromNow: 0, Status: ActionPlanned}}},
			{Area: "Natur, kultur och friluftsliv", Label: "Badplatsen", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Ny brygga vid badplatsen", Owner: OwnerGroup, Responsible: "Byalaget", MonthsFromNow: 5, CostSEK: 60000, Status: ActionPlanned}}},
		}},
	{Village: "osteraker", YearsAgo: 0, Status: PlanSubmitted, Summary: "Österåker vill att fler hittar hit.",
		Priorities: []DemoPriority{
			{Area: "Boende och byggande", Label: "Tomter för nya hus", Horizon: HorizonLong,
				Actions: []DemoAction{{Title: "Fråga markägare om tomter", Owner: OwnerGroup, Responsible: "Byalaget", MonthsFromNow: 3, Status: ActionPlanned}}},
			{Area: "Kommunikationer och vägar", Label: "Vägen till Vingåker", Horizon: HorizonLong,
				Actions: []DemoAction{{Title: "Laga potthål på byvägen", Owner: OwnerMunicipality, Responsible: "Samhällsbyggnad", MonthsFromNow: -2, Status: ActionPlanned}}},
			{Area: "Bredband och mobiltäckning", Label: "Mobiltäckning i skogen", Horizon: HorizonLong},
		}},
	{Village: "lappe", YearsAgo: 0, Status: PlanSubmitted, Summary: "Läppe – en levande by vid Hjälmaren.",
		Priorities: []DemoPriority{
			{Area: "Trygghet", Label: "Belysning längs stigen", Horizon: HorizonYear,
				Actions: []DemoAction{{Title: "Sätta upp belysning längs stigen", Owner: OwnerMunicipality, Responsible: "Samhällsbyggnad", MonthsFromNow: 4, CostSEK: 120000, Status: ActionPlanned}}},
			{Area: "Föreningsliv och mötesplatser", Label: "Midsommar vid hamnen", Horizon: HorizonYear},
		}},
	{Village: "lappe", YearsAgo: -1, Status: PlanDraft, Summary: "Läppe – nästa år: hamnen.",
		Priorities: []DemoPriority{
			{Area: "Trygghet", Label: "Belysning längs stigen", Horizon: HorizonYear},
			{Area: "Natur, kultur och friluftsliv", Label: "Gästhamnen", Horizon: HorizonLong},
		}},
}
