package alert

import "github.com/zonewarden/zonewarden/internal/finding"

// SyslogSeverity maps an alert severity to an RFC 5424 severity code: critical 2 (crit),
// high 3 (err), medium 4 (warning), low 5 (notice), info 6 (informational). Nothing maps
// to 0 (emerg) or 1 (alert), which receivers broadcast to every logged-in user.
func SyslogSeverity(s finding.Severity) int {
	switch {
	case s >= finding.Critical:
		return 2
	case s == finding.High:
		return 3
	case s == finding.Medium:
		return 4
	case s == finding.Low:
		return 5
	}
	return 6
}

// CEFSeverity maps an alert severity to CEF's 0-10 scale: info 1, low 3, medium 5,
// high 8, critical 10 (ArcSight reads 0-3 low, 4-6 medium, 7-8 high, 9-10 very high).
func CEFSeverity(s finding.Severity) int {
	switch {
	case s >= finding.Critical:
		return 10
	case s == finding.High:
		return 8
	case s == finding.Medium:
		return 5
	case s == finding.Low:
		return 3
	}
	return 1
}
