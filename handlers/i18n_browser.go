package handlers

// English for the texts of the phone page's script (phone.js).
func init() {
	for k, v := range map[string]string{
		"Sparat – skickas när du har täckning": "Saved – will be sent when you have coverage",
	} {
		english[k] = v
	}
}
