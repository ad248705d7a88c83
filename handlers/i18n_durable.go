package handlers

// English for the durability feature's Swedish texts.
func init() {
	for k, v := range map[string]string{
		noticeUnavailable: "We could not save just now because the service cannot reach its database. Your answers are still here – please try sending again in a moment.",
	} {
		english[k] = v
	}
}
