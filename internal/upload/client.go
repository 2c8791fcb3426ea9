package upload

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DefaultAPIURL is the public Postgres.ai platform API, the default of the postgres_ai
// tools as well.
const DefaultAPIURL = "https://postgres.ai/api/general"

// Retry is how requests are retried: Attempts in all (the first included), waiting
// about Base, 2*Base, 4*Base ... (at most Max) with full jitter in between.
type Retry struct {
	Attempts  int
	Base, Max time.Duration
}

// DefaultRetry: four attempts over about ten seconds at most.
var DefaultRetry = Retry{Attempts: 4, Base: 500 * time.Millisecond, Max: 8 * time.Second}

// client sends the platform's RPCs.
type client struct {
	api     string // without a trailing slash
	token   string
	http    *http.Client
	timeout time.Duration
	retry   Retry
	log     func(format string, args ...any)
}

// CheckURL parses the API URL and refuses what would send the token in the clear or
// show it: https only, plain http only with insecure for a receiver on this machine;
// no user or password, query or fragment in the URL.
func CheckURL(raw string, insecureHTTP bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("API URL: not an absolute http(s) URL")
	}
	if u.User != nil {
		return "", fmt.Errorf("API URL: a user or password in the URL is not allowed (the token goes in PGCHECKUP_TOKEN or token_file)")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("API URL %s://%s%s: no query or fragment allowed", u.Scheme, u.Host, u.Path)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecureHTTP {
			return "", fmt.Errorf("API URL %s: plain http would send the token unencrypted; use https (--insecure-http is only for a receiver on localhost)", u.Redacted())
		}
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
		default:
			return "", fmt.Errorf("API URL %s: --insecure-http is only allowed for localhost, 127.0.0.1 or ::1", u.Redacted())
		}
	default:
		return "", fmt.Errorf("API URL: scheme %q: want https", u.Scheme)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// newHTTPClient verifies servers against the system roots plus the certificates of
// caFile, takes proxies from the environment as Go does by default, and follows no
// redirect (a redirected POST would carry the token to wherever it points).
func newHTTPClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate in it", caFile)
		}
		conf.RootCAs = pool
	}
	tr.TLSClientConfig = conf
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// rpcError is a failed call: the HTTP status (0 for a network error) and what the
// server said, already made safe to print.
type rpcError struct {
	fn     string
	status int
	msg    string
}

func (e *rpcError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("%s: %s", e.fn, e.msg)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.fn, e.status, e.msg)
}

// retryable: network errors, timeouts and 5xx; never a 4xx, which would fail again.
func (e *rpcError) retryable() bool { return e.status == 0 || e.status >= 500 }

// fatal: the server refuses this token, project or API for every file, so the rest
// are not tried.
func (e *rpcError) fatal() bool {
	switch e.status {
	case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusForbidden, http.StatusNotFound:
		return true
	}
	return false
}

// call posts body to {api}/rpc/fn with retries and returns the response object.
func (c *client) call(ctx context.Context, fn string, body map[string]any) (map[string]any, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var last *rpcError
	for attempt := 1; ; attempt++ {
		obj, err := c.once(ctx, fn, payload)
		if err == nil {
			return obj, nil
		}
		if !errors.As(err, &last) || !last.retryable() || attempt >= c.retry.Attempts || ctx.Err() != nil {
			return nil, err
		}
		wait := c.backoff(attempt)
		c.log("%v; retrying in %s (attempt %d of %d)", err, wait.Round(time.Millisecond), attempt+1, c.retry.Attempts)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

// backoff is full jitter over an exponential ceiling.
func (c *client) backoff(attempt int) time.Duration {
	ceil := c.retry.Base << (attempt - 1)
	if ceil > c.retry.Max || ceil <= 0 {
		ceil = c.retry.Max
	}
	if ceil <= 0 {
		return 0
	}
	return ceil/2 + rand.N(ceil/2+1)
}

// maxResponse bounds what is read of a response.
const maxResponse = 1 << 20

func (c *client) once(ctx context.Context, fn string, payload []byte) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.api+"/rpc/"+fn, bytes.NewReader(payload))
	if err != nil {
		return nil, &rpcError{fn: fn, msg: "bad request URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("access-token", c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &rpcError{fn: fn, msg: c.netMessage(ctx, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &rpcError{fn: fn, msg: "reading the response: " + c.netMessage(ctx, err)}
	}
	if resp.StatusCode >= 300 {
		return nil, &rpcError{fn: fn, status: resp.StatusCode, msg: c.serverMessage(resp, raw)}
	}
	obj, err := responseObject(raw)
	if err != nil {
		return nil, &rpcError{fn: fn, status: resp.StatusCode, msg: c.safe(err.Error())}
	}
	return obj, nil
}

// netMessage describes a network error without the request URL's details twice.
func (c *client) netMessage(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s (request timeout)", c.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("timeout: %s", c.safe(err.Error()))
	}
	return c.safe(err.Error())
}

// serverMessage shows a PostgREST error ({message, details, hint}) or the start of
// whatever else the server sent.
func (c *client) serverMessage(resp *http.Response, raw []byte) string {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return fmt.Sprintf("redirected to %q; give the final address as the API URL", c.safe(resp.Header.Get("Location")))
	}
	var pe struct {
		Message, Details, Hint, Code string
	}
	if json.Unmarshal(raw, &pe) == nil && (pe.Message != "" || pe.Details != "" || pe.Hint != "") {
		parts := []string{}
		for _, p := range []struct{ label, v string }{{"", pe.Message}, {"details: ", pe.Details}, {"hint: ", pe.Hint}} {
			if p.v != "" {
				parts = append(parts, p.label+c.safe(p.v))
			}
		}
		return strings.Join(parts, "; ")
	}
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return http.StatusText(resp.StatusCode)
	}
	return c.safe(text)
}

// safe makes server text printable: the token (were a server to echo it) is removed,
// control characters are escaped and the length is bounded.
func (c *client) safe(s string) string {
	if c.token != "" {
		s = strings.ReplaceAll(s, c.token, "*****")
	}
	var b strings.Builder
	for _, r := range s {
		if b.Len() > 300 {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			b.WriteString(strconv.QuoteRune(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// responseObject accepts the shapes the platform answers with: an object, a
// one-element array of it, or either wrapped in {"result": ...}.
func responseObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("response is not JSON")
	}
	for range 3 {
		switch t := v.(type) {
		case []any:
			if len(t) != 1 {
				return nil, fmt.Errorf("response is an array of %d elements, want one", len(t))
			}
			v = t[0]
		case map[string]any:
			r, ok := t["result"]
			if !ok || len(t) != 1 {
				return t, nil
			}
			v = r
		default:
			return nil, fmt.Errorf("response is not an object")
		}
	}
	return nil, fmt.Errorf("response is not an object")
}

// idOf reads the first of keys that holds a positive integer (a JSON number or a
// string of digits).
func idOf(obj map[string]any, keys ...string) (int64, bool) {
	for _, k := range keys {
		var s string
		switch v := obj[k].(type) {
		case json.Number:
			s = v.String()
		case string:
			s = v
		default:
			continue
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n, true
		}
	}
	return 0, false
}

// missingID explains a 2xx answer without the id: the server's message if it gave one.
func (c *client) missingID(fn string, obj map[string]any, keys ...string) error {
	if m, ok := obj["message"].(string); ok && m != "" {
		return &rpcError{fn: fn, status: http.StatusOK, msg: c.safe(m)}
	}
	return &rpcError{fn: fn, status: http.StatusOK, msg: "the response has no " + strings.Join(keys, " or ")}
}

// createReport makes the platform report and returns its id.
func (c *client) createReport(ctx context.Context, project string, epoch int64) (int64, error) {
	const fn = "checkup_report_create"
	obj, err := c.call(ctx, fn, map[string]any{"access_token": c.token, "project": project, "epoch": epoch})
	if err != nil {
		return 0, err
	}
	id, ok := idOf(obj, "report_id")
	if !ok {
		return 0, c.missingID(fn, obj, "report_id")
	}
	return id, nil
}

// postFile sends one file and returns the platform's id of it.
func (c *client) postFile(ctx context.Context, reportID int64, f File, data []byte) (int64, error) {
	const fn = "checkup_report_file_post"
	obj, err := c.call(ctx, fn, map[string]any{
		"access_token": c.token, "checkup_report_id": reportID, "check_id": f.CheckID,
		"filename": f.Name, "data": string(data), "type": f.Type, "generate_issue": true,
	})
	if err != nil {
		return 0, err
	}
	// The platform spells it report_chunck_id; report_chunk_id is accepted too.
	id, ok := idOf(obj, "report_chunck_id", "report_chunk_id")
	if !ok {
		return 0, c.missingID(fn, obj, "report_chunck_id", "report_chunk_id")
	}
	return id, nil
}
