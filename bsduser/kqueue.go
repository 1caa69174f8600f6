package bsduser

// forgetKqueue drops the state of a kqueue descriptor being closed.
func forgetKqueue(p *Process, fd int) {}
