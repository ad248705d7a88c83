package main

import (
	"net"
	"sync"
)

// stopListener closes, when it is closed, the connections that have not sent
// a byte yet. fasthttp marks a connection active as soon as it is accepted
// and then waits up to the read timeout (30 s) for its first request, so a
// graceful stop waited out a connection that an HTTP client had dialed as a
// spare and kept unused in its pool (common when requests race for
// connections on a loaded machine), beyond the stop's 20 s: "stoppa: context
// deadline exceeded". Connections that carried a request are idle between
// requests, and fasthttp closes those itself.
type stopListener struct {
	net.Listener
	mu     sync.Mutex
	fresh  map[*freshConn]struct{}
	closed bool
}

func newStopListener(ln net.Listener) *stopListener {
	return &stopListener{Listener: ln, fresh: map[*freshConn]struct{}{}}
}

// Accept returns the next connection, tracked until its first byte.
func (l *stopListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	fc := &freshConn{Conn: c, l: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		_ = c.Close()
		return fc, nil
	}
	l.fresh[fc] = struct{}{}
	return fc, nil
}

// Close stops accepting and closes the connections that sent nothing.
func (l *stopListener) Close() error {
	err := l.Listener.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for c := range l.fresh {
		_ = c.Conn.Close()
		delete(l.fresh, c)
	}
	return err
}

func (l *stopListener) forget(c *freshConn) {
	l.mu.Lock()
	delete(l.fresh, c)
	l.mu.Unlock()
}

// freshConn is an accepted connection that tells its listener when its first
// byte arrives.
type freshConn struct {
	net.Conn
	l    *stopListener
	once sync.Once
}

func (c *freshConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.once.Do(func() { c.l.forget(c) })
	}
	return n, err
}

func (c *freshConn) Close() error {
	c.once.Do(func() { c.l.forget(c) })
	return c.Conn.Close()
}
