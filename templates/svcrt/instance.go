package svcrt

// instanceDisplayName is the display name of an instance: display names
// are unique among services (CreateService fails with 1078), so an instance
// installed under another name (install -name) gets its name in
// parentheses; without a display_name, the service name is what
// services.msc shows.
func instanceDisplayName(display, specName, instance string) string {
	switch {
	case display == "":
		return instance
	case instance != specName:
		return display + " (" + instance + ")"
	}
	return display
}
