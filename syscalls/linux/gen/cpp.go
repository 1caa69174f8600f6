package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// preproc is the C-preprocessor subset the kernel's unistd.h headers need.
type preproc struct {
	root   string
	macros map[string]string
	depth  int
}

func newPreproc(root string) *preproc {
	return &preproc{root: root, macros: map[string]string{}}
}

func (p *preproc) define(name, value string) { p.macros[name] = value }

var blockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)

// logicalLines strips comments and joins backslash continuations.
func logicalLines(src string) []string {
	src = blockComment.ReplaceAllString(src, " ")
	src = strings.ReplaceAll(src, "\\\n", " ")
	var out []string
	for _, l := range strings.Split(src, "\n") {
		if i := strings.Index(l, "//"); i >= 0 {
			l = l[:i]
		}
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// cond is one #if nesting level.
type cond struct {
	active bool // lines are processed now
	taken  bool // some branch of this #if was active
	parent bool // the enclosing level was active
}

// file processes one header relative to the include root.
func (p *preproc) file(rel string) error {
	if p.depth > 16 {
		return fmt.Errorf("#include nesting too deep at %s", rel)
	}
	data, err := os.ReadFile(filepath.Join(p.root, rel))
	if err != nil {
		return err
	}
	p.depth++
	defer func() { p.depth-- }()
	var stack []cond
	active := func() bool { return len(stack) == 0 || stack[len(stack)-1].active }
	for i, line := range logicalLines(string(data)) {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		dir, rest, _ := strings.Cut(strings.TrimSpace(line[1:]), " ")
		rest = strings.TrimSpace(rest)
		var err error
		switch dir {
		case "if", "ifdef", "ifndef":
			on := active()
			var v bool
			if on {
				v, err = p.test(dir, rest)
			}
			stack = append(stack, cond{active: on && v, taken: on && v, parent: on})
		case "elif", "else":
			if len(stack) == 0 {
				return fmt.Errorf("%s:%d: #%s without #if", rel, i+1, dir)
			}
			c := &stack[len(stack)-1]
			v := true
			if dir == "elif" && c.parent && !c.taken {
				v, err = p.test("if", rest)
			}
			c.active = c.parent && !c.taken && v
			c.taken = c.taken || c.active
		case "endif":
			if len(stack) == 0 {
				return fmt.Errorf("%s:%d: #endif without #if", rel, i+1)
			}
			stack = stack[:len(stack)-1]
		case "define":
			if active() {
				p.defineLine(rest)
			}
		case "undef":
			if active() {
				delete(p.macros, rest)
			}
		case "include":
			if active() {
				err = p.include(rest)
			}
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %v", rel, i+1, err)
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("%s: unterminated #if", rel)
	}
	return nil
}

func (p *preproc) defineLine(rest string) {
	end := strings.IndexAny(rest, " \t(")
	if end < 0 {
		p.macros[rest] = ""
		return
	}
	name := rest[:end]
	if rest[end] == '(' {
		p.macros[name] = "" // function-like: only its definedness matters here
		return
	}
	p.macros[name] = strings.TrimSpace(rest[end:])
}

// include follows <asm/...> and <asm-generic/...>; other headers are not
// needed for syscall numbers.
func (p *preproc) include(rest string) error {
	if len(rest) < 2 || rest[0] != '<' || rest[len(rest)-1] != '>' {
		return nil
	}
	rel := rest[1 : len(rest)-1]
	if !strings.HasPrefix(rel, "asm") {
		return nil
	}
	return p.file(rel)
}

func (p *preproc) test(dir, rest string) (bool, error) {
	switch dir {
	case "ifdef":
		_, ok := p.macros[rest]
		return ok, nil
	case "ifndef":
		_, ok := p.macros[rest]
		return !ok, nil
	}
	v, err := p.eval(rest)
	return v != 0, err
}

// eval computes a preprocessor integer expression.
func (p *preproc) eval(expr string) (int64, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return 0, err
	}
	e := &evaluator{p: p, toks: toks}
	v, err := e.binary(0)
	if err == nil && e.pos != len(e.toks) {
		err = fmt.Errorf("unexpected %q in %q", e.toks[e.pos], expr)
	}
	return v, err
}

var tokenRe = regexp.MustCompile(`^\s*(0[xX][0-9a-fA-F]+|[0-9]+[uUlL]*|[A-Za-z_][A-Za-z0-9_]*|&&|\|\||==|!=|<=|>=|<<|>>|[-+*/()!<>~])`)

func tokenize(s string) ([]string, error) {
	var toks []string
	for strings.TrimSpace(s) != "" {
		m := tokenRe.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("cannot parse %q", s)
		}
		toks = append(toks, m[1])
		s = s[len(m[0]):]
	}
	return toks, nil
}

type evaluator struct {
	p     *preproc
	toks  []string
	pos   int
	depth int
}

// binary operators by precedence level, lowest first.
var levels = [][]string{{"||"}, {"&&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/"}}

func (e *evaluator) peek() string {
	if e.pos < len(e.toks) {
		return e.toks[e.pos]
	}
	return ""
}

func (e *evaluator) binary(level int) (int64, error) {
	if level == len(levels) {
		return e.unary()
	}
	l, err := e.binary(level + 1)
	for err == nil {
		op := e.peek()
		found := false
		for _, o := range levels[level] {
			found = found || o == op
		}
		if !found {
			break
		}
		e.pos++
		var r int64
		if r, err = e.binary(level + 1); err == nil {
			l, err = apply(op, l, r)
		}
	}
	return l, err
}

func apply(op string, l, r int64) (int64, error) {
	b := func(c bool) int64 {
		if c {
			return 1
		}
		return 0
	}
	switch op {
	case "||":
		return b(l != 0 || r != 0), nil
	case "&&":
		return b(l != 0 && r != 0), nil
	case "==":
		return b(l == r), nil
	case "!=":
		return b(l != r), nil
	case "<":
		return b(l < r), nil
	case ">":
		return b(l > r), nil
	case "<=":
		return b(l <= r), nil
	case ">=":
		return b(l >= r), nil
	case "<<":
		return l << (r & 63), nil
	case ">>":
		return l >> (r & 63), nil
	case "+":
		return l + r, nil
	case "-":
		return l - r, nil
	case "*":
		return l * r, nil
	case "/":
		if r == 0 {
			return 0, fmt.Errorf("division by zero")
		}
		return l / r, nil
	}
	return 0, fmt.Errorf("unknown operator %q", op)
}

func (e *evaluator) unary() (int64, error) {
	t := e.peek()
	if t == "" {
		return 0, fmt.Errorf("unexpected end of expression")
	}
	e.pos++
	switch {
	case t == "!":
		v, err := e.unary()
		if err != nil {
			return 0, err
		}
		return apply("==", v, 0)
	case t == "-":
		v, err := e.unary()
		return -v, err
	case t == "~":
		v, err := e.unary()
		return ^v, err
	case t == "(":
		v, err := e.binary(0)
		if err == nil && e.peek() != ")" {
			err = fmt.Errorf("missing )")
		}
		e.pos++
		return v, err
	case t == "defined":
		return e.defined()
	case t[0] >= '0' && t[0] <= '9':
		return strconv.ParseInt(strings.TrimRight(t, "uUlL"), 0, 64)
	}
	return e.identifier(t)
}

func (e *evaluator) defined() (int64, error) {
	paren := e.peek() == "("
	if paren {
		e.pos++
	}
	name := e.peek()
	e.pos++
	if paren {
		if e.peek() != ")" {
			return 0, fmt.Errorf("defined: missing )")
		}
		e.pos++
	}
	if _, ok := e.p.macros[name]; ok {
		return 1, nil
	}
	return 0, nil
}

// identifier expands an object-like macro; undefined names are 0 (C11 6.10.1).
func (e *evaluator) identifier(name string) (int64, error) {
	body, ok := e.p.macros[name]
	if !ok || body == "" {
		return 0, nil
	}
	if e.depth > 32 {
		return 0, fmt.Errorf("macro %s expands too deeply", name)
	}
	toks, err := tokenize(body)
	if err != nil {
		return 0, err
	}
	sub := &evaluator{p: e.p, toks: toks, depth: e.depth + 1}
	v, err := sub.binary(0)
	if err == nil && sub.pos != len(sub.toks) {
		err = fmt.Errorf("bad macro body %q for %s", body, name)
	}
	return v, err
}
