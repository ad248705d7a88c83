package survey

import (
	"time"
	_ "time/tzdata" // the zone database travels with the binary (static images have none)
)

// Stockholm is the municipality's time zone: dates and deadlines are read in it.
var Stockholm = mustZone("Europe/Stockholm")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // embedded tzdata always has it
	}
	return loc
}
