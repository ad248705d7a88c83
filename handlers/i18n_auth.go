package handlers

import "github.com/forankra/forankra/survey"

// English for the signed-in pages (auth: sign-in, users, villages, surveys,
// codes, paper responses, audit).
func init() {
	for k, v := range map[string]string{
		"Logga in (för kommunens och byarnas personal)": "Sign in (for municipal and village staff)",
		"Svar":    "Responses",
		"Enkäter": "Surveys", "Byar": "Villages", "Användare": "Users", "Logg": "Log",
		"För tjänstepersoner, politiker, byrepresentanter, forumets ledamöter och administratörer. Den som svarar på en enkät behöver inget konto.": "For officials, politicians, village representatives, forum members and administrators. Residents answering a survey need no account.",
		"E-postadress": "Email address", "Lösenord": "Password",
		"Fel e-postadress eller lösenord.":                                    "Wrong email address or password.",
		"Fyll i både e-postadress och lösenord.":                              "Fill in both email address and password.",
		"För många misslyckade försök. Vänta en kvart och försök sedan igen.": "Too many failed attempts. Wait a quarter of an hour and try again.",
		"Inloggningssidan hade gått ut. Försök igen. (Din webbläsare behöver tillåta kakor för att du ska kunna logga in.)":                                                       "The sign-in page had expired. Please try again. (Your browser must allow cookies for you to sign in.)",
		"Formuläret har gått ut eller kom inte från Förankra. Gå tillbaka, ladda om sidan och försök igen":                                                                        "The form has expired or did not come from Förankra. Go back, reload the page and try again",
		"Formuläret skickades från en annan webbplats och togs inte emot":                                                                                                         "The form was sent from another website and was not accepted",
		"Det här formuläret var redan skickat och de svaren är sparade. Svaren här sparades inte och koden är inte använd. Tryck på Skicka svar om du vill skicka dem med koden.": "This form had already been sent and those answers are saved. The answers here were not saved and the code has not been used. Press Send answers if you want to send them with the code.",
		"Formuläret hade hunnit bli för gammalt, så svaren skickades inte. Dina svar finns kvar här – kontrollera dem och tryck på Skicka svar igen.":                             "The form had grown too old, so your answers were not sent. Your answers are still here – check them and press Send answers again.",
		"Just nu kommer väldigt många svar från din uppkoppling. Vänta en minut och tryck sedan på Skicka svar igen – dina svar finns kvar här.":                                  "Very many answers are coming from your connection right now. Wait a minute and press Send answers again – your answers are still here.",
		"Du har inte behörighet till det här": "You are not allowed to do this",
		"Byn är sparad:":                      "The village is saved:", "Namn": "Name", "Kortnamn": "Short name", "Invånare": "Residents",
		"Inga byar ännu.": "No villages yet.", "Lägg till by": "Add village", "Kortnamn (valfritt)": "Short name (optional)",
		"Används i länkarna. Lämnas det tomt görs det av namnet: Österåker blir osteraker.": "Used in links. Left empty, it is made from the name: Österåker becomes osteraker.",
		"Invånare (valfritt)": "Residents (optional)", "Ändringen är sparad.": "The change is saved.", "inaktiverad": "deactivated",
		"Roll": "Role", "Byar (bara för byrepresentanter)": "Villages (village representatives only)",
		"Aktivt konto (kan logga in)": "Active account (can sign in)", "Nytt lösenord (valfritt)": "New password (optional)",
		"Spara": "Save", "Nytt konto": "New account", "Minst 10 tecken. Lämna det till personen på ett säkert sätt.": "At least 10 characters. Hand it to the person in a safe way.",
		"Skapa konto": "Create account", "administratör": "administrator", "tjänsteperson": "official", "politiker": "politician",
		"byrepresentant": "village representative", "forumledamot": "forum member",
		"Händelselogg": "Audit log",
		"Vem som gjort vad och när: konton, roller, enkäter som öppnats och stängts, koder som gjorts (bara antalet) och inloggningar.": "Who did what and when: accounts, roles, surveys opened and closed, codes made (the count only) and sign-ins.",
		"När (UTC)": "When (UTC)", "Vem": "Who", "Vad": "What", "Gäller": "Concerns", "Detaljer": "Details", "Inget loggat ännu.": "Nothing logged yet.",
		"Ny enkät": "New survey", "Enkät": "Survey", "Läge": "Status", "Tillgång": "Access", "Inga enkäter ännu.": "No surveys yet.",
		"utkast": "draft", "öppen": "open", "stängd": "closed", "alla med länken": "anyone with the link", "engångskoder": "one-time codes",
		"Börja med namn, byar och hur de boende kommer åt enkäten. Frågorna lägger du till på nästa sida.": "Start with the name, villages and how residents get in. You add the questions on the next page.",
		"Rubrik": "Title", "Beskrivning (visas överst för den som svarar)": "Description (shown at the top to respondents)",
		"Byar som tillfrågas": "Villages asked", "Det finns inga byar du kan göra enkäter för.": "There are no villages you can make surveys for.",
		"Vem kan svara?": "Who can answer?", "Alla som har länken eller QR-koden": "Anyone with the link or QR code",
		"Bara den som har en engångskod (ett svar per kod, skickas med brev)": "Only someone with a one-time code (one answer per code, sent by letter)",
		"Svar hittills": "Responses so far", "Öppna enkäten för svar": "Open the survey for answers",
		"När enkäten är öppen kan frågorna inte längre ändras.": "Once the survey is open, the questions can no longer be changed.",
		"Stäng enkäten": "Close the survey", "Gör engångskoder att skicka ut": "Make one-time codes to send out",
		"Byar och länkar": "Villages and links", "Länkarna fungerar när enkäten har öppnats.": "The links work once the survey is open.",
		"QR-kod till enkäten för": "QR code to the survey for", "Engångskoder": "One-time codes", "gjorda": "made", "använda": "used",
		"Skriv in pappersvar för": "Enter paper responses for", "Frågor": "Questions", "nyckel": "key",
		"ett val": "one choice", "flera val": "several choices", "instämmer-skala 1–5": "agree scale 1–5", "rangordning": "ranking", "tal": "number", "fritext": "free text",
		"Flytta upp": "Move up", "Flytta ner": "Move down", "Ta bort": "Remove", "Inga frågor ännu.": "No questions yet.",
		"Lägg till en fråga": "Add a question", "Frågan": "The question", "Typ av fråga": "Question type",
		"Svarsalternativ, ett per rad (för ett val, flera val och rangordning)": "Options, one per line (for one choice, several choices and ranking)",
		"Lägsta tal (bara för tal)":                                             "Lowest number (numbers only)",
		"Högsta: tal, antal val (flera val) eller antal tecken (fritext)":       "Highest: number, number of choices (several choices) or characters (free text)",
		"Hjälptext (valfri)":                                                    "Help text (optional)", "Nyckel (valfri, används i CSV och API)": "Key (optional, used in CSV and API)",
		"Måste besvaras": "Must be answered", "Lägg till frågan": "Add the question", "Namn, byar och tillgång": "Name, villages and access",
		"Lägg till minst en fråga innan enkäten öppnas": "Add at least one question before opening the survey",
		"Varje kod gäller för ett svar. Koderna visas bara en gång, på sidan som kommer när du gjort dem: skriv ut den direkt. Förankra sparar inte koderna, bara ett kontrollvärde, och kan inte visa dem igen.": "Each code is good for one response. The codes are shown only once, on the page that follows when you make them: print it at once. Förankra does not store the codes, only a check value, and cannot show them again.",
		"By": "Village", "Gjorda": "Made", "Använda": "Used", "Antal koder (1–2000), till exempel ett per hushåll": "Number of codes (1–2000), e.g. one per household",
		"Gör koder och visa utskriftsark":                                        "Make codes and show the printable sheet",
		"Koder kan bara göras för en enkät med engångskoder som inte är stängd.": "Codes can only be made for a survey with one-time codes that is not closed.",
		"Engångskoder för": "One-time codes for", "Koderna visas bara den här gången.": "The codes are shown this once only.",
		"Skriv ut sidan nu (Ctrl+P eller Arkiv → Skriv ut). Förankra sparar inte koderna och kan inte visa dem igen; tappas de bort gör du nya.": "Print the page now (Ctrl+P or File → Print). Förankra does not store the codes and cannot show them again; if they are lost, make new ones.",
		"Tillbaka till enkäten": "Back to the survey", "QR-kod som öppnar enkäten med koden ifylld": "QR code that opens the survey with the code filled in",
		"Skanna QR-koden med mobilen eller gå till": "Scan the QR code with your phone or go to", "Din kod": "Your code",
		"Pappersvar för": "Paper response for", "Pappersvaret är sparat. Skriv in nästa.": "The paper response is saved. Enter the next one.",
		"Skriv in koden om pappret har en; annars lämna fältet tomt.": "Type the code if the paper has one; otherwise leave the field empty.",
		"Spara pappersvaret": "Save the paper response",
		"sign_in":            "signed in", "sign_in_failed": "failed sign-in", "user_created": "account created", "user_changed": "account changed",
		"village_created": "village created", "survey_created": "survey created", "survey_opened": "survey opened", "survey_closed": "survey closed",
		"codes_generated": "codes made", "token_revoked": "token revoked", "paper_response": "paper response entered",
	} {
		english[k] = v
	}
}

// labels are the Swedish words for the code words of roles, statuses,
// access modes, question types and audit actions.
var labels = map[string]string{
	survey.RoleAdmin: "administratör", survey.RoleOfficial: "tjänsteperson", survey.RolePolitician: "politiker",
	survey.RoleRepresentative: "byrepresentant", survey.RoleForum: "forumledamot",
	survey.Draft: "utkast", survey.Open: "öppen", survey.Closed: "stängd",
	survey.AccessLink: "alla med länken", survey.AccessCode: "engångskoder",
	survey.Single: "ett val", survey.Multi: "flera val", survey.Likert: "instämmer-skala 1–5", survey.Rank: "rangordning",
	survey.Number: "tal", survey.Text: "fritext",
	survey.AuditSignIn: "inloggning", survey.AuditSignInFailed: "misslyckad inloggning", survey.AuditUserCreated: "konto skapat",
	survey.AuditUserChanged: "konto ändrat", survey.AuditVillageAdded: "by skapad", survey.AuditSurveyCreated: "enkät skapad",
	survey.AuditSurveyOpened: "enkät öppnad", survey.AuditSurveyClosed: "enkät stängd", survey.AuditCodesMade: "koder gjorda",
	survey.AuditTokenRevoked: "nyckel återkallad", survey.AuditPaperEntered: "pappersvar inskrivet",
}

// label shows a code word in the page's language.
func label(lang, code string) string {
	if sv, ok := labels[code]; ok {
		return translate(lang, sv)
	}
	return code
}
