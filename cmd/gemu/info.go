package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gemu-project/gemu/targets"
)

func infoCommand() *cli.Command {
	return &cli.Command{
		Name:  "info",
		Usage: "describe what gemu supports",
		Subcommands: []*cli.Command{{
			Name:  "targets",
			Usage: "list guest CPUs and their models",
			Action: func(c *cli.Context) error {
				printTargets()
				return nil
			},
		}},
	}
}

func printTargets() {
	for _, a := range targets.All() {
		fmt.Printf("%-8s %-20s models: %s\n", a.Name(), a.Machine(), strings.Join(a.Models(), ", "))
	}
}
