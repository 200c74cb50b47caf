package kiosk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 4, 9, 0, 0, 0, jst)} }

var short = Timers{Idle: 90 * time.Second, Warn: 20 * time.Second, Grace: 15 * time.Second}

// Every second of an untouched session: active until the warning, then a
// countdown that only goes down, reaches its end exactly at the limit, and
// never shows 0 s while still going on.
func TestIdleEveryMoment(t *testing.T) {
	for _, tm := range []Timers{short, Defaults, {Idle: 10 * time.Second, Warn: 30 * time.Second}} {
		c := newClock()
		s := New(tm, c.now, nil)
		tm = s.Timers()
		s.Begin()
		last := time.Duration(1<<62 - 1)
		for at := time.Duration(0); at <= tm.Idle+5*time.Second; at += 250 * time.Millisecond {
			st, ended := s.Check()
			switch {
			case at >= tm.Idle:
				if ended != ReasonIdle {
					t.Fatalf("%v: at %v untouched: ended %q, want idle", tm, at, ended)
				}
			case at >= tm.Idle-tm.Warn:
				if ended != "" || st.Phase != IdleWarning || st.Left <= 0 || st.Left > tm.Warn || st.Left > last {
					t.Fatalf("%v: at %v: %+v ended %q (last left %v)", tm, at, st, ended, last)
				}
				if want := (tm.Idle - at + time.Second - 1).Truncate(time.Second); st.Left != want {
					t.Fatalf("%v: at %v: left %v, want %v", tm, at, st.Left, want)
				}
				last = st.Left
			default:
				if ended != "" || st.Phase != Active {
					t.Fatalf("%v: at %v: %+v ended %q, want active", tm, at, st, ended)
				}
			}
			c.add(250 * time.Millisecond)
		}
	}
}

// A touch at any moment of the warning gives the whole time back.
func TestTouchInWarningGivesTimeBack(t *testing.T) {
	for sec := short.Idle - short.Warn; sec < short.Idle; sec += time.Second {
		c := newClock()
		s := New(short, c.now, nil)
		s.Begin()
		c.add(sec)
		if st, _ := s.Check(); st.Phase != IdleWarning {
			t.Fatalf("at %v: %+v, want a warning", sec, st)
		}
		s.Touch()
		if st, ended := s.Check(); st.Phase != Active || ended != "" {
			t.Fatalf("touched at %v: %+v %q", sec, st, ended)
		}
		c.add(short.Idle - time.Second)
		if _, ended := s.Check(); ended != "" {
			t.Fatalf("touched at %v: ended %q before the whole time again", sec, ended)
		}
	}
}

// Nothing begun: no clock, no card ends anything (the first screen waits).
func TestWaitingNeverEnds(t *testing.T) {
	c := newClock()
	s := New(short, c.now, nil)
	for i := 0; i < 100; i++ {
		c.add(time.Minute)
		s.Card(false, false)
		if st, ended := s.Check(); st.Phase != Waiting || ended != "" {
			t.Fatalf("%+v %q", st, ended)
		}
	}
}

// The card out: a countdown over the idle one; the same card back ends it,
// another person's card ends the session at once, staying out ends it at
// the grace — at every moment of the grace.
func TestCardGraceEveryMoment(t *testing.T) {
	for out := time.Duration(0); out <= short.Grace+time.Second; out += 500 * time.Millisecond {
		for _, back := range []string{"none", "same", "other"} {
			c := newClock()
			s := New(short, c.now, nil)
			s.Card(true, true) // at the first screen: nothing begins
			if s.Begun() {
				t.Fatal("a card in began a session before the language was chosen")
			}
			s.Begin()
			s.Card(false, false)
			c.add(out)
			st, ended := s.Check()
			if out >= short.Grace {
				if ended != ReasonCard {
					t.Fatalf("out %v: ended %q, want card-removed", out, ended)
				}
				continue
			}
			if st.Phase != CardGrace || st.Left <= 0 || st.Left > short.Grace || ended != "" {
				t.Fatalf("out %v: %+v %q", out, st, ended)
			}
			switch back {
			case "same":
				if s.Card(true, true) {
					t.Fatalf("out %v: the same card back ended the session", out)
				}
				if st, ended := s.Check(); st.Phase != Active || ended != "" {
					t.Fatalf("out %v, same card back: %+v %q", out, st, ended)
				}
			case "other":
				if !s.Card(true, false) {
					t.Fatalf("out %v: another card did not end the session", out)
				}
			}
		}
	}
}

// Every way to end runs every wiper (one failing does not stop the rest),
// counts the session once with what was filed, and starts again waiting.
func TestEndWipesAndCounts(t *testing.T) {
	rec := &Record{Path: filepath.Join(t.TempDir(), "centre.json")}
	c := newClock()
	s := New(short, c.now, rec)
	var ran []int
	s.OnEnd(func() { ran = append(ran, 1) })
	s.OnEnd(func() { panic("broken") })
	s.OnEnd(func() { ran = append(ran, 3) })
	for i, r := range Reasons {
		ran = nil
		s.Begin()
		s.Filed(i + 1)
		if err := s.End(r); err != nil {
			t.Fatal(err)
		}
		if len(ran) != 2 || ran[0] != 1 || ran[1] != 3 {
			t.Fatalf("%s: wipers ran %v", r, ran)
		}
		if s.Begun() {
			t.Fatalf("%s: still begun after the end", r)
		}
	}
	// an end with nothing begun (the first screen's button) is not a session
	if err := s.End(ReasonFinish); err != nil {
		t.Fatal(err)
	}
	days, err := rec.Days()
	if err != nil {
		t.Fatal(err)
	}
	d := days["2026-12-04"]
	if len(days) != 1 || d.Sessions != 3 || d.Filed != 6 || d.Ended[ReasonFinish] != 1 || d.Ended[ReasonIdle] != 1 || d.Ended[ReasonCard] != 1 {
		t.Fatalf("record %+v", days)
	}
}

// The record's file holds dates, counts and the reasons' names: nothing
// else, whatever the session did; a day is Japan's (23:30 UTC is the next
// day in Tokyo).
func TestRecordHoldsCountsOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "centre.json")
	rec := &Record{Path: path}
	at := time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		if err := rec.Add(at, Reasons[i%len(Reasons)], i); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f recordFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Days["2026-12-05"]; !ok || len(f.Days) != 1 {
		t.Fatalf("days %v", f.Days)
	}
	allowed := regexp.MustCompile(`^[\s{}\[\]:,"0-9a-z_\-]*$`)
	body := regexp.MustCompile(`"note": "[^"]*"`).ReplaceAll(b, nil)
	if !allowed.Match(body) {
		t.Fatalf("record holds more than counts:\n%s", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("left beside the record: %v", entries)
	}
}
