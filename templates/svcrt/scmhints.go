package svcrt

// scmHint is the remedy for a Service Control Manager error a verb got,
// by its Win32 code ("" when there is nothing more to say than the error).
func scmHint(code uint32) string {
	switch code {
	case 5: // ERROR_ACCESS_DENIED
		return "access denied: install, uninstall, start and stop need an elevated prompt (Run as administrator), or rights on this service granted to your account; status needs none"
	case 1061: // ERROR_SERVICE_CANNOT_ACCEPT_CTRL
		return "the service cannot take this control now: it is starting or stopping; wait until status shows RUNNING or STOPPED, then try again"
	case 1069: // ERROR_SERVICE_LOGON_FAILED
		return "the service account could not log on: check its password (run install again to set it) and that the account has the \"Log on as a service\" right (SeServiceLogonRight, Local Security Policy > User Rights Assignment)"
	case 1072: // ERROR_SERVICE_MARKED_FOR_DELETE
		return "the service is marked for deletion: close services.msc, Event Viewer and any program that holds it open, and stop its process if it still runs; it is deleted then (or at the next restart), and can be installed again"
	}
	return ""
}
