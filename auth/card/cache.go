package card

import (
	"crypto/x509"
	"sync"
)

// Cache keeps, per card serial, what is safe to keep for a session: public
// the freely readable certificates (auth, auth CA, sign CA). It holds no PIN,
// no attribute, no My Number and not the signature certificate (personal data).
type Cache struct {
	mu    sync.Mutex
	certs map[string]map[CertFile]*x509.Certificate
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{certs: map[string]map[CertFile]*x509.Certificate{}} }

func (c *Cache) get(serial string, f CertFile) *x509.Certificate {
	if c == nil || serial == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.certs[serial][f]
}

func (c *Cache) put(serial string, f CertFile, cert *x509.Certificate) {
	if c == nil || serial == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.certs[serial]
	if m == nil {
		m = map[CertFile]*x509.Certificate{}
		c.certs[serial] = m
	}
	m[f] = cert
}

// Clear forgets everything.
func (c *Cache) Clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.certs = map[string]map[CertFile]*x509.Certificate{}
}
