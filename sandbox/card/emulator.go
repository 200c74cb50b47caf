package vcard

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"

	"madoguchi/protocol/mynacard"
	"madoguchi/sandbox/fixtures"
)

// ATR of the My Number card as seen by OpenSC.
var ATR = []byte{0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14}

// secret names the card's three secrets inside the emulator (the card's
// own bookkeeping, independent of the client's names).
type secret string

const (
	authPIN      secret = "auth-pin"      // JPKI user-authentication PIN, 4 digits, 3 tries
	signPassword secret = "sign-password" // JPKI signing password, 6-16 A-Z0-9, 5 tries
	inputPIN     secret = "input-pin"     // input-support PIN, 4 digits, 3 tries
)

// acceptable is the card's rule for a new PIN (CHANGE REFERENCE DATA).
func acceptable(s secret, p []byte) bool {
	if s == signPassword {
		return mynacard.FormatSignPassword.Accepts(p)
	}
	return mynacard.FormatPIN4.Accepts(p)
}

type fileKind int

const (
	fBinary fileKind = iota
	fPIN
	fKey
)

type file struct {
	kind fileKind
	data []byte
	// read needs this secret verified in the current application ("" = free)
	read secret
	// for fPIN / fKey: the secret
	secret secret
	key    *rsa.PrivateKey
}

type application struct {
	aid   []byte
	files map[uint16]*file
	// records for READ RECORD by SFI
	records map[byte][][]byte
}

type pinState struct {
	value []byte
	tries int
	max   int
}

// Card is the emulator. All methods are safe for concurrent use.
type Card struct {
	mu   sync.Mutex
	apps []*application
	pins map[secret]*pinState

	cur      *application
	curEF    *file
	verified map[secret]bool

	present bool
	// removeAfter > 0: the card is pulled out instead of answering the
	// removeAfter-th APDU from now (fault injection).
	removeAfter int
	apdus       int
	counts      map[byte]int // APDUs answered, by INS
	// muted: the card takes commands and never answers until unmuted or
	// removed (a mute card, for timeout tests)
	muted      bool
	unmuted    chan struct{}
	waiting    int // commands held by a mute card
	changed    chan struct{}
	id         string
	insertions int
}

// New builds the card of a fixture resident.
func New(r fixtures.Resident) (*Card, error) {
	keys, err := r.Keys()
	if err != nil {
		return nil, err
	}
	return NewWithKeys(r, keys)
}

// NewWithKeys builds the resident's card with other keys and certificates
// (e.g. a renewed auth certificate).
func NewWithKeys(r fixtures.Resident, keys fixtures.Keys) (*Card, error) {
	ca, err := fixtures.LoadCA()
	if err != nil {
		return nil, err
	}
	token := make([]byte, mynacard.TokenLen)
	copy(token, mynacard.TokenMyNumberCard)
	for i := len(mynacard.TokenMyNumberCard); i < len(token); i++ {
		token[i] = ' '
	}
	jpki := &application{aid: mynacard.AIDJPKI, files: map[uint16]*file{
		mynacard.EFToken:      {kind: fBinary, data: token},
		mynacard.EFAuthCert:   {kind: fBinary, data: keys.AuthCert},
		mynacard.EFAuthCACert: {kind: fBinary, data: ca.AuthCACert},
		mynacard.EFAuthKey:    {kind: fKey, secret: authPIN, key: keys.AuthKey},
		mynacard.EFAuthPIN:    {kind: fPIN, secret: authPIN},
	}}
	pins := map[secret]*pinState{
		authPIN:  {value: []byte(r.AuthPIN), tries: 3, max: 3},
		inputPIN: {value: []byte(r.InputPIN), tries: 3, max: 3},
	}
	if r.HasSignCert {
		jpki.files[mynacard.EFSignCert] = &file{kind: fBinary, data: keys.SignCert, read: signPassword}
		jpki.files[mynacard.EFSignCACert] = &file{kind: fBinary, data: ca.SignCACert}
		jpki.files[mynacard.EFSignKey] = &file{kind: fKey, secret: signPassword, key: keys.SignKey}
		jpki.files[mynacard.EFSignPIN] = &file{kind: fPIN, secret: signPassword}
		pins[signPassword] = &pinState{value: []byte(r.SignPassword), tries: 5, max: 5}
	}
	myNumber := append([]byte{mynacard.TagMyNumber, 12}, r.MyNumber...)
	myNumber = append(myNumber, 0xFF, 0xFF, 0xFF) // padded to the 17 bytes readers ask for
	attrs := encodeAttributes(r)
	digests := tlv(mynacard.TagDigests, cat(
		tlv(0xDF31, sha(myNumber[:14])),
		tlv(0xDF32, sha(attrs)),
		tlv(0xDF33, mustSign(ca.AuthCAKey, append(sha(myNumber[:14]), sha(attrs)...))),
	))
	basic := tlv(mynacard.TagBasicInfo, cat(tlv(0xDF41, []byte{0x01, 0x00, 0x00, 0x00}), tlv(0xDF42, sha(keys.AuthCert)[:16])))
	isp := &application{aid: mynacard.AIDInputSupport, files: map[uint16]*file{
		mynacard.EFInputPIN:   {kind: fPIN, secret: inputPIN},
		mynacard.EFMyNumber:   {kind: fBinary, data: myNumber, read: inputPIN},
		mynacard.EFAttributes: {kind: fBinary, data: attrs, read: inputPIN},
		mynacard.EFDigests:    {kind: fBinary, data: digests, read: inputPIN},
		mynacard.EFBasicInfo:  {kind: fBinary, data: basic},
	}}
	serialRec := append([]byte{0xC1, byte(len(r.Serial))}, r.Serial...)
	common := &application{aid: mynacard.AIDCommon, files: map[uint16]*file{},
		records: map[byte][][]byte{mynacard.CommonSerialSFI: {serialRec}}}
	return &Card{
		apps:     []*application{jpki, isp, common},
		pins:     pins,
		verified: map[secret]bool{},
		present:  true,
		changed:  make(chan struct{}),
		counts:   map[byte]int{},
		id:       r.ID,
	}, nil
}

// NewByID builds the card of the fixture resident with this id.
func NewByID(id string) (*Card, error) {
	r, err := fixtures.ByID(id)
	if err != nil {
		return nil, err
	}
	return New(r)
}

// ResidentID names the fixture resident whose card this is.
func (c *Card) ResidentID() string { return c.id }

func sha(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

func mustSign(k *rsa.PrivateKey, msg []byte) []byte {
	h := sha256.Sum256(msg)
	s, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
	if err != nil {
		panic(err)
	}
	return s
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// tlv encodes a BER-TLV with 1- or 2-byte tags.
func tlv(tag uint32, v []byte) []byte {
	var out []byte
	if tag > 0xFF {
		out = append(out, byte(tag>>8), byte(tag))
	} else {
		out = append(out, byte(tag))
	}
	switch n := len(v); {
	case n < 0x80:
		out = append(out, byte(n))
	case n <= 0xFF:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, v...)
}

func encodeAttributes(r fixtures.Resident) []byte {
	return tlv(mynacard.TagAttributes, cat(
		tlv(mynacard.TagAttrHeader, []byte{0x01, 0x02, 0x03}),
		tlv(mynacard.TagAttrName, []byte(r.Name)),
		tlv(mynacard.TagAttrAddress, []byte(r.Address)),
		tlv(mynacard.TagAttrBirth, []byte(r.BirthDate)),
		tlv(mynacard.TagAttrSex, []byte(fmt.Sprint(r.Sex))),
	))
}

// Insertions counts how often the card was (re-)inserted.
func (c *Card) Insertions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.insertions
}

// ATR returns the answer to reset.
func (c *Card) ATR() []byte { return append([]byte(nil), ATR...) }

// Present reports whether the card is in the reader.
func (c *Card) Present() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.present
}

// Remove pulls the card out of the (virtual) reader.
func (c *Card) Remove() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setPresentLocked(false)
}

// Insert puts the card back; its volatile state starts afresh (power-on).
func (c *Card) Insert() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked()
	c.setPresentLocked(true)
}

// RemoveAfter arranges for the card to be pulled out when the n-th APDU from
// now arrives (n ≥ 1): that APDU gets no answer.
func (c *Card) RemoveAfter(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeAfter = n
}

// Changed returns a channel closed at the next insertion or removal.
func (c *Card) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

func (c *Card) setPresentLocked(p bool) {
	if c.present == p {
		return
	}
	c.present = p
	if p {
		c.insertions++
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

// Reset is a warm reset / power cycle: selection and security status are
// lost, PIN counters persist (they live in EEPROM on the real card).
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked()
}

func (c *Card) resetLocked() {
	c.cur, c.curEF = nil, nil
	c.verified = map[secret]bool{}
}

// APDUCount is the number of APDUs answered.
func (c *Card) APDUCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus
}

// TriesLeft reads a counter directly (test helper; the host uses VERIFY).
func (c *Card) TriesLeft(name string) int {
	s := secret(name)
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.pins[s]; p != nil {
		return p.tries
	}
	return 0
}

// errRemoved is returned by Process when the card is not (or no longer) there.
var errRemoved = ErrRemoved

// ErrRemoved: the card is not (or no longer) in the reader.
var ErrRemoved = errors.New("vcard: the card is not in the reader")

// Mute makes the card stop answering: commands block until Unmute or removal.
func (c *Card) Mute() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.muted {
		c.muted, c.unmuted = true, make(chan struct{})
	}
}

// Unmute lets a mute card answer again (the blocked command is answered).
func (c *Card) Unmute() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.muted {
		c.muted = false
		close(c.unmuted)
	}
}

// Held is the number of commands a mute card is holding unanswered.
func (c *Card) Held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// CommandCount is the number of APDUs with this INS answered so far.
func (c *Card) CommandCount(ins byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[ins]
}

// Process answers one command APDU.
func (c *Card) Process(apdu []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.muted && c.present {
		unmuted, changed := c.unmuted, c.changed
		c.waiting++
		c.mu.Unlock()
		select {
		case <-unmuted:
		case <-changed:
		}
		c.mu.Lock()
		c.waiting--
	}
	if !c.present {
		return nil, errRemoved
	}
	if c.removeAfter > 0 {
		c.removeAfter--
		if c.removeAfter == 0 {
			c.setPresentLocked(false)
			return nil, errRemoved
		}
	}
	c.apdus++
	if len(apdu) > 1 {
		c.counts[apdu[1]]++
	}
	return c.process(apdu), nil
}

func sw(s uint16) []byte { return []byte{byte(s >> 8), byte(s)} }

type parsed struct {
	cla, ins, p1, p2 byte
	data             []byte
	le               int // -1 none
}

func parse(a []byte) (parsed, bool) {
	if len(a) < 4 {
		return parsed{}, false
	}
	p := parsed{cla: a[0], ins: a[1], p1: a[2], p2: a[3], le: -1}
	rest := a[4:]
	switch {
	case len(rest) == 0:
	case len(rest) == 1:
		p.le = int(rest[0])
		if p.le == 0 {
			p.le = 256
		}
	default:
		lc := int(rest[0])
		if lc == 0 || len(rest) < 1+lc || len(rest) > 2+lc {
			return parsed{}, false
		}
		p.data = rest[1 : 1+lc]
		if len(rest) == 2+lc {
			p.le = int(rest[1+lc])
			if p.le == 0 {
				p.le = 256
			}
		}
	}
	return p, true
}

func (c *Card) process(a []byte) []byte {
	p, ok := parse(a)
	if !ok {
		return sw(mynacard.SWWrongLength)
	}
	if p.cla != 0x00 && p.cla != 0x80 {
		return sw(mynacard.SWCLANotSupported)
	}
	if p.cla == 0x80 && p.ins != 0x2A {
		return sw(mynacard.SWCLANotSupported)
	}
	switch p.ins {
	case 0xA4:
		return c.doSelect(p)
	case 0xB0:
		return c.doReadBinary(p)
	case 0x20:
		return c.doVerify(p)
	case 0x24:
		return c.doChange(p)
	case 0x2A:
		if p.cla != 0x80 {
			return sw(mynacard.SWCLANotSupported)
		}
		return c.doSign(p)
	case 0xB2:
		return c.doReadRecord(p)
	case 0xCA, 0xCB:
		return sw(mynacard.SWRefDataNotFound)
	}
	return sw(mynacard.SWINSNotSupported)
}

func (c *Card) doSelect(p parsed) []byte {
	switch p.p1 {
	case 0x04:
		for _, app := range c.apps {
			if bytes.Equal(app.aid, p.data) {
				c.cur, c.curEF = app, nil
				c.verified = map[secret]bool{} // security status is per DF
				return sw(mynacard.SWOK)
			}
		}
		return sw(mynacard.SWFileNotFound)
	case 0x02:
		if len(p.data) != 2 {
			return sw(mynacard.SWWrongLength)
		}
		if c.cur == nil {
			return sw(mynacard.SWFileNotFound)
		}
		f := c.cur.files[uint16(p.data[0])<<8|uint16(p.data[1])]
		if f == nil {
			return sw(mynacard.SWFileNotFound)
		}
		c.curEF = f
		return sw(mynacard.SWOK)
	case 0x00, 0x08, 0x09:
		return sw(mynacard.SWFileNotFound)
	}
	return sw(mynacard.SWIncorrectP1P2)
}

func (c *Card) doReadBinary(p parsed) []byte {
	if p.p1&0x80 != 0 { // short-EF addressing is not supported by this card
		return sw(mynacard.SWIncorrectP1P2)
	}
	if c.curEF == nil {
		return sw(mynacard.SWNoCurrentEF)
	}
	f := c.curEF
	if f.kind != fBinary {
		return sw(mynacard.SWIncompatibleFile)
	}
	if f.read != "" && !c.verified[f.read] {
		return sw(mynacard.SWSecurityNotSatisfied)
	}
	off := int(p.p1)<<8 | int(p.p2)
	if off > len(f.data) {
		return sw(mynacard.SWWrongP1P2)
	}
	le := p.le
	if le < 0 {
		le = 256
	}
	end := min(off+le, len(f.data))
	out := append([]byte(nil), f.data[off:end]...)
	if end-off < le {
		return append(out, sw(mynacard.SWEndOfFile)...)
	}
	return append(out, sw(mynacard.SWOK)...)
}

func (c *Card) pinFile() (*pinState, secret, []byte) {
	if c.curEF == nil {
		return nil, "", sw(mynacard.SWNoCurrentEF)
	}
	if c.curEF.kind != fPIN {
		return nil, "", sw(mynacard.SWIncompatibleFile)
	}
	ps := c.pins[c.curEF.secret]
	if ps == nil {
		return nil, "", sw(mynacard.SWRefDataNotFound)
	}
	return ps, c.curEF.secret, nil
}

func (c *Card) doVerify(p parsed) []byte {
	if p.p1 != 0x00 || p.p2 != 0x80 {
		return sw(mynacard.SWIncorrectP1P2)
	}
	ps, sec, fail := c.pinFile()
	if fail != nil {
		return fail
	}
	if len(p.data) == 0 { // retry counter query: consumes nothing
		return sw(0x63C0 | uint16(ps.tries))
	}
	if ps.tries == 0 {
		return sw(mynacard.SWAuthBlocked)
	}
	if len(p.data) == len(ps.value) && subtle.ConstantTimeCompare(p.data, ps.value) == 1 {
		ps.tries = ps.max
		c.verified[sec] = true
		return sw(mynacard.SWOK)
	}
	ps.tries--
	c.verified[sec] = false
	return sw(0x63C0 | uint16(ps.tries))
}

func (c *Card) doChange(p parsed) []byte {
	if p.p1 != 0x01 || p.p2 != 0x80 {
		return sw(mynacard.SWIncorrectP1P2)
	}
	ps, sec, fail := c.pinFile()
	if fail != nil {
		return fail
	}
	if !c.verified[sec] {
		return sw(mynacard.SWSecurityNotSatisfied)
	}
	if !acceptable(sec, p.data) {
		return sw(mynacard.SWWrongData)
	}
	ps.value = append([]byte(nil), p.data...)
	return sw(mynacard.SWOK)
}

func (c *Card) doSign(p parsed) []byte {
	if p.p1 != 0x00 || p.p2 != 0x80 {
		return sw(mynacard.SWIncorrectP1P2)
	}
	if c.curEF == nil {
		return sw(mynacard.SWNoCurrentEF)
	}
	f := c.curEF
	if f.kind != fKey {
		return sw(mynacard.SWConditionsNotMet)
	}
	if !c.verified[f.secret] {
		return sw(mynacard.SWSecurityNotSatisfied)
	}
	if len(p.data) == 0 || len(p.data) > f.key.Size()-11 {
		return sw(mynacard.SWWrongLength)
	}
	sig, err := rsa.SignPKCS1v15(nil, f.key, 0, p.data) // data is the DigestInfo
	if err != nil {
		return sw(mynacard.SWUnknown)
	}
	return append(sig, sw(mynacard.SWOK)...)
}

func (c *Card) doReadRecord(p parsed) []byte {
	if c.cur == nil || c.cur.records == nil {
		return sw(mynacard.SWFileNotFound)
	}
	if p.p2&0x07 != 0x04 {
		return sw(mynacard.SWIncorrectP1P2)
	}
	recs := c.cur.records[p.p2>>3]
	if recs == nil {
		return sw(mynacard.SWFileNotFound)
	}
	if p.p1 == 0 || int(p.p1) > len(recs) {
		return sw(0x6A83) // record not found
	}
	return append(append([]byte(nil), recs[p.p1-1]...), sw(mynacard.SWOK)...)
}
