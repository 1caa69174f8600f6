package virtio

import "sync"

// pump serves one queue from a host goroutine of its own, which waits
// there, never on a hart, for the driver to make buffers available
// (§2.7.13): a receive queue fed by host input, or a transmit queue whose
// host output may block.
type pump struct {
	q    *Queue
	kick chan struct{}
	done chan struct{}
	once sync.Once
}

func newPump(q *Queue) *pump {
	return &pump{q: q, kick: make(chan struct{}, 1), done: make(chan struct{})}
}

// wake tells a waiting one that buffers may have arrived (the queue's
// Notify, DRIVER_OK included).
func (p *pump) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// one hands the next available chain to fn, waiting for one; it reports
// false once closed. ServeOne arms the notification before it reports an
// empty queue, so no wake is lost in between.
func (p *pump) one(fn func(c *Chain) (uint32, error)) bool {
	for !p.q.ServeOne(fn) {
		select {
		case <-p.kick:
		case <-p.done:
			return false
		}
	}
	return true
}

func (p *pump) close() { p.once.Do(func() { close(p.done) }) }
