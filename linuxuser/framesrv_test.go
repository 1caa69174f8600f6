package linuxuser

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
)

// TestRiscvSigframeLayout checks the riscv64 frame offsets against the
// cross toolchain's glibc and kernel headers with C static assertions.
func TestRiscvSigframeLayout(t *testing.T) {
	cc := testenv.NeedTool(t, "riscv64-linux-gnu-gcc")
	src := fmt.Sprintf(`#include <signal.h>
#include <stddef.h>
#include <ucontext.h>
#define A(x) _Static_assert(x, #x)
A(sizeof(siginfo_t) == %d);
A(offsetof(ucontext_t, uc_stack) == %d);
A(offsetof(ucontext_t, uc_sigmask) == %d);
A(offsetof(ucontext_t, uc_mcontext) == %d);
A(sizeof(ucontext_t) == %d);
A(sizeof(mcontext_t) == %d);
A(offsetof(mcontext_t, __fpregs) == %d);
A(offsetof(mcontext_t, __fpregs.__d.__fcsr) == %d);
A(offsetof(siginfo_t, si_addr) == 16);
A(offsetof(siginfo_t, si_pid) == 16);
A(offsetof(siginfo_t, si_uid) == 20);
A(offsetof(siginfo_t, si_value) == 24);
A(offsetof(siginfo_t, si_timerid) == 16);
A(offsetof(siginfo_t, si_overrun) == 20);
`, siginfoSize, ucStack, ucSigmask, ucMcontext, rvUcSize, rvMcSize, rvScFpregs, rvScFcsr)
	dir := t.TempDir()
	f := filepath.Join(dir, "layout.c")
	os.WriteFile(f, []byte(src), 0o644)
	if out, err := osexec.Command(cc, "-fsyntax-only", f).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rvFrameSize != 1088 || rvFrameSize%16 != 0 {
		t.Errorf("frame size %d", rvFrameSize)
	}
}
