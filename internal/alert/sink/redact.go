package sink

import (
	"net/url"
	"strings"
)

// redacted replaces secrets in what is printed of a URL.
const redacted = "REDACTED"

// secretParams are parts of query parameter names that mark the value as a secret:
// access_token, api_key, apikey, client_secret, password, passwd, sig, signature, auth.
var secretParams = []string{"token", "key", "secret", "pass", "pwd", "sig", "auth", "credential", "session"}

// RedactURL returns raw fit to print or log: the user information (user:password@) and
// the values of query parameters whose names mark a secret (token, key, secret,
// password, sig, auth and the like) are replaced by REDACTED; the scheme, host, path and
// other parameters are kept so that the destination can still be recognised. A URL that
// does not parse is not echoed at all. Secrets in the path itself (some services put
// their token there) cannot be told from a path and are kept.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL, not shown)"
	}
	return redactURL(u)
}

func redactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(redacted)
	}
	if c.RawQuery != "" {
		parts := strings.Split(c.RawQuery, "&")
		for i, p := range parts {
			name, _, hasValue := strings.Cut(p, "=")
			if !hasValue {
				continue
			}
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if isSecretParam(name) {
				parts[i] = p[:strings.IndexByte(p, '=')+1] + redacted
			}
		}
		c.RawQuery = strings.Join(parts, "&")
	}
	return c.String()
}

func isSecretParam(name string) bool {
	name = strings.ToLower(name)
	for _, s := range secretParams {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}
