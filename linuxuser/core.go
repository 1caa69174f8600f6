package linuxuser

import "github.com/gemu-project/gemu/usermode"

// The core's types the handlers name most.
type (
	Thread  = usermode.Thread
	Process = usermode.Process
	Args    = usermode.Args
)
