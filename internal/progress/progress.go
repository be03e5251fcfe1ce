// Package progress shows how far a long command has come (done / total,
// rate, time left) on a terminal, and stays quiet when its output is not a
// terminal.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar reports progress of one phase. The zero value is silent.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	done  int
	start time.Time
	last  time.Time
}

// New returns a bar writing to w when w is a terminal, otherwise a silent one.
func New(w io.Writer, label string, total int) *Bar {
	b := &Bar{label: label, total: total, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b.w = w
	}
	return b
}

// Add records n more items done.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if b.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(b.last) < 200*time.Millisecond && b.done < b.total {
		return
	}
	b.last = now
	fmt.Fprint(b.w, "\r\033[K"+b.line(now))
}

// Done ends the bar's line.
func (b *Bar) Done() {
	if b == nil || b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprint(b.w, "\r\033[K"+b.line(time.Now())+"\n")
}

func (b *Bar) line(now time.Time) string {
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(b.done) / el
	}
	left := "?"
	if rate > 0 && b.total >= b.done {
		left = (time.Duration(float64(b.total-b.done)/rate) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("%s %d/%d  %.0f/s  left %s", b.label, b.done, b.total, rate, left)
}
