// Package faultproxy is a TCP proxy for tests that puts faults between pgcheckup and a
// real PostgreSQL server: it can pass traffic through, go silent once a client message
// matches (after the handshake, mid-statement), reset connections, or delay replies. It
// reads the PostgreSQL wire protocol just enough to see where messages start, so faults
// hit a chosen statement rather than a byte offset. Connections must not use SSL
// (sslmode=disable): an encrypted stream cannot be matched and is passed through as is.
package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Fault is what happens to a connection when a rule matches.
type Fault int

const (
	// Stall forwards the matching message to the server, then forwards nothing more in
	// either direction while keeping both sockets open: a server that stopped answering.
	Stall Fault = iota
	// Reset closes the client's socket with a TCP reset before the message reaches the
	// server: a dropped connection.
	Reset
)

// Rule fires on the first client message containing Match.
type Rule struct {
	Match string
	Fault Fault
	// Times limits how often the rule fires; 0: every time.
	Times int
}

// Proxy listens on 127.0.0.1 and forwards every connection to one server.
type Proxy struct {
	target string
	ln     net.Listener

	mu     sync.Mutex
	rules  []*rule
	delay  time.Duration
	conns  map[*pair]bool
	fired  chan string // one entry per fired rule, for tests to wait on
	done   bool
	closed chan struct{}
}

type rule struct {
	Rule
	fired int
}

// Start listens on a free local port and forwards to target (host:port).
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{target: target, ln: ln, conns: map[*pair]bool{}, fired: make(chan string, 64), closed: make(chan struct{})}
	go p.accept()
	return p, nil
}

// Addr is the proxy's address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port is the proxy's port.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Add adds a rule for new and open connections.
func (p *Proxy) Add(r Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, &rule{Rule: r})
}

// Delay holds every server reply for d before forwarding it; 0: none.
func (p *Proxy) Delay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// Clear removes every rule and delay; stalled connections stay stalled.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules, p.delay = nil, 0
}

// ResetAll resets every open connection now.
func (p *Proxy) ResetAll() {
	p.mu.Lock()
	var open []*pair
	for c := range p.conns {
		open = append(open, c)
	}
	p.mu.Unlock()
	for _, c := range open {
		c.reset()
	}
}

// Fired returns a channel that receives the Match of each rule when it fires.
func (p *Proxy) Fired() <-chan string { return p.fired }

// Close stops listening and closes every connection, stalled ones included.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if !p.done {
		close(p.closed)
	}
	p.done = true
	var open []*pair
	for c := range p.conns {
		open = append(open, c)
	}
	p.mu.Unlock()
	err := p.ln.Close()
	for _, c := range open {
		c.close()
	}
	return err
}

func (p *Proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(client)
	}
}

// pair is one proxied connection.
type pair struct {
	client, server net.Conn
	once           sync.Once
}

func (c *pair) close() {
	c.once.Do(func() {
		c.client.Close()
		c.server.Close()
	})
}

// reset makes the client see a TCP reset rather than an orderly close.
func (c *pair) reset() {
	if tc, ok := c.client.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.close()
}

func (p *Proxy) serve(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	c := &pair{client: client, server: server}
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		c.close()
		return
	}
	p.conns[c] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	stalled := make(chan struct{})
	var stallOnce sync.Once
	stall := func() { stallOnce.Do(func() { close(stalled) }) }
	go p.replies(c, stalled)
	err = p.requests(c, stall)
	if errors.Is(err, errStalled) {
		// Keep both sockets open and silent until the proxy closes.
		<-p.closed
		return
	}
	c.close()
}

var errStalled = errors.New("stalled")

// requests forwards client messages to the server, applying the rules.
func (p *Proxy) requests(c *pair, stall func()) error {
	r := &reader{r: c.client}
	untyped := true // the startup packet, SSL or GSS request have no type byte
	for {
		msg, err := r.message(untyped)
		if err != nil {
			return err
		}
		if untyped {
			untyped = isNegotiation(msg)
		}
		if f, ok := p.match(msg); ok {
			switch f {
			case Reset:
				c.reset()
				return io.EOF
			case Stall:
				if _, err := c.server.Write(msg); err != nil {
					return err
				}
				stall()
				return errStalled
			}
		}
		if _, err := c.server.Write(msg); err != nil {
			return err
		}
		if isSSLRequest(msg) {
			// The server answers with one byte; on 'S' the rest is encrypted and is
			// passed through unread.
			_, err := io.Copy(c.server, c.client)
			return err
		}
	}
}

// replies forwards server bytes to the client until the connection closes or stalls.
func (p *Proxy) replies(c *pair, stalled <-chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		n, err := c.server.Read(buf)
		if n > 0 {
			p.mu.Lock()
			d := p.delay
			p.mu.Unlock()
			if d > 0 {
				time.Sleep(d)
			}
			select {
			case <-stalled:
				return
			default:
			}
			if _, werr := c.client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			select {
			case <-stalled:
			default:
				c.close()
			}
			return
		}
	}
}

func (p *Proxy) match(msg []byte) (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.rules {
		if r.Times > 0 && r.fired >= r.Times {
			continue
		}
		if strings.Contains(string(msg), r.Match) {
			r.fired++
			select {
			case p.fired <- r.Match:
			default:
			}
			return r.Fault, true
		}
	}
	return 0, false
}

// reader splits a client byte stream into protocol messages.
type reader struct{ r io.Reader }

// message reads one message: a 4-byte length and body, preceded by a type byte unless
// untyped.
func (r *reader) message(untyped bool) ([]byte, error) {
	head := 5
	if untyped {
		head = 4
	}
	msg := make([]byte, head)
	if _, err := io.ReadFull(r.r, msg); err != nil {
		return nil, err
	}
	n := int(msg[head-4])<<24 | int(msg[head-3])<<16 | int(msg[head-2])<<8 | int(msg[head-1])
	if n < 4 || n > 1<<30 {
		return nil, fmt.Errorf("faultproxy: bad message length %d", n)
	}
	msg = append(msg, make([]byte, n-4)...)
	if _, err := io.ReadFull(r.r, msg[head:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// Request codes of the untyped messages a client may send before its startup packet.
const (
	sslRequest = 80877103
	gssRequest = 80877104
)

func code(msg []byte) int {
	if len(msg) < 8 {
		return 0
	}
	return int(msg[4])<<24 | int(msg[5])<<16 | int(msg[6])<<8 | int(msg[7])
}

func isSSLRequest(msg []byte) bool { return code(msg) == sslRequest }

func isNegotiation(msg []byte) bool { c := code(msg); return c == sslRequest || c == gssRequest }
