// Package monitor is full-system mode's monitor: QMP, the QEMU Machine
// Protocol (docs/interop/qmp-spec.rst), and HMP, the human monitor, both
// served on chardevs from package chardev and both driving a Machine.
//
// QMP: the greeting {"QMP": {"version": ..., "capabilities": []}} for
// every client that connects, capabilities negotiation (only
// qmp_capabilities until it has run; anything else is CommandNotFound),
// then qmp_capabilities, query-status, query-cpus-fast, query-version,
// query-commands, query-name, query-kvm, query-target, stop, cont,
// system_reset, system_powerdown, quit and human-monitor-command, with
// QEMU's argument checks and error classes (GenericError,
// CommandNotFound), the id echoed, and the events STOP, RESUME, RESET,
// POWERDOWN and SHUTDOWN with their timestamps. Input is a stream of JSON
// values, with the spec's single-quoted strings; a control character
// resets the parser.
//
// HMP: the banner and the "(qemu) " prompt, line editing with echo and
// history, and help, info status|registers|cpus|version, stop (s), cont
// (c), system_reset, system_powerdown, cpu N and quit (q).
package monitor
