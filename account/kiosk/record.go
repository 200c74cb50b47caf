package kiosk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Day is one day's counts at the centre: how many sessions, how many
// procedures were filed, and how the sessions ended. Nothing in it names
// or numbers a person.
type Day struct {
	Sessions int            `json:"sessions"`
	Filed    int            `json:"procedures_filed"`
	Ended    map[Reason]int `json:"ended"`
}

// Record is the centre's own record: a count a day (Japan's calendar day),
// kept in the one file the administrator named (Path "" keeps it in this
// process only). It is the only thing a kiosk writes to disk, and it holds
// counts only.
type Record struct {
	Path string

	mu   sync.Mutex
	days map[string]Day // in memory when Path is ""
}

var jst = time.FixedZone("JST", 9*3600)

// Add counts one session that ended at t for reason, with filed procedures.
func (r *Record) Add(t time.Time, reason Reason, filed int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	days, err := r.load()
	if err != nil {
		return err
	}
	key := t.In(jst).Format("2006-01-02")
	d := days[key]
	if d.Ended == nil {
		d.Ended = map[Reason]int{}
	}
	d.Sessions++
	d.Filed += filed
	d.Ended[reason]++
	days[key] = d
	return r.save(days)
}

// Days are the counts kept, by day ("2006-01-02").
func (r *Record) Days() (map[string]Day, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.load()
}

type recordFile struct {
	Note string         `json:"note"`
	Days map[string]Day `json:"days"`
}

func (r *Record) load() (map[string]Day, error) {
	if r.Path == "" {
		if r.days == nil {
			r.days = map[string]Day{}
		}
		return r.days, nil
	}
	b, err := os.ReadFile(r.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Day{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("centre record: %w", err)
	}
	var f recordFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("centre record %s: %w", r.Path, err)
	}
	if f.Days == nil {
		f.Days = map[string]Day{}
	}
	return f.Days, nil
}

// save replaces the file whole (written beside it, then renamed): a crash
// leaves the old counts or the new, never half a file.
func (r *Record) save(days map[string]Day) error {
	if r.Path == "" {
		r.days = days
		return nil
	}
	b, err := json.MarshalIndent(recordFile{Note: "Madoguchi kiosk: sessions and procedures filed per day (JST); no names, no numbers", Days: days}, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.Path), ".madoguchi-record-*")
	if err != nil {
		return fmt.Errorf("centre record: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("centre record: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("centre record: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("centre record: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("centre record: %w", err)
	}
	return os.Rename(tmp.Name(), r.Path)
}
