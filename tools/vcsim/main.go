// Command snapsim-vcsim runs VMware's vSphere simulator (govmomi's simulator package,
// ESX model) for one snapsim run and drives it with a govmomi client on snapsim's
// behalf. snapsim talks to it in JSON lines over stdin and stdout:
//
//	snapsim -> {"user":"...","password":"...","fixup":true}      (the first line)
//	        <- {"ok":true,"port":P,"fixup_port":Q}
//	snapsim -> {"op":"define","vm":"snapsim-x","state":"poweredOn"}
//	        <- {"ok":true}  or  {"ok":false,"fault":"InvalidPowerState","message":"..."}
//
// The credentials arrive on stdin, never on the command line or in a file. The
// simulator listens on 127.0.0.1 on a port the kernel picks. With "fixup", a TLS reverse
// proxy (fixup.go) also listens there and rewrites the simulator's SOAP responses into
// the XML libvirt's ESX driver accepts. The program ends, removing the simulator's
// datastore folders and the folder snapsim named, when stdin closes or on
// SIGINT/SIGTERM/SIGHUP.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

// hello is the first line snapsim sends.
type hello struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Fixup    bool   `json:"fixup"`
	// Folder is snapsim's private folder for this program ($TMPDIR, the log). It is
	// removed at the end, also when snapsim was killed and took this program with it
	// (snapsim asks the kernel for SIGTERM then, which lands in the loop below).
	Folder string `json:"folder,omitempty"`
}

// ready is the answer to hello.
type ready struct {
	Ok        bool   `json:"ok"`
	Port      int    `json:"port,omitempty"`
	FixupPort int    `json:"fixup_port,omitempty"`
	Message   string `json:"message,omitempty"`
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: snapsim-vcsim  (configured through stdin, see the source)")
		os.Exit(2)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 1024*1024)
	out := json.NewEncoder(os.Stdout)
	if !in.Scan() {
		os.Exit(2)
	}
	var h hello
	if err := json.Unmarshal(in.Bytes(), &h); err != nil || h.User == "" || h.Password == "" {
		_ = out.Encode(ready{Message: "the first line must be {\"user\":..,\"password\":..}"})
		os.Exit(2)
	}
	err := run(h, in, out)
	if h.Folder != "" && strings.HasPrefix(filepath.Base(h.Folder), "snapsim-vcsim-") {
		_ = os.RemoveAll(h.Folder)
	}
	if err != nil {
		_ = out.Encode(ready{Message: err.Error()})
		os.Exit(1)
	}
}

func run(h hello, in *bufio.Scanner, out *json.Encoder) error {
	// Caught from the start, so the deferred calls below always run. SIGPIPE too: once
	// snapsim is gone, a write to stdout must end the loop, not the program.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	model := simulator.ESX()
	model.Autostart = false // snapsim defines its own VMs
	if err := model.Create(); err != nil {
		return fmt.Errorf("creating the ESX model: %v", err)
	}
	// Remove() deletes the datastore folders the model made under $TMPDIR.
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(h.User, h.Password)}
	server := model.Service.NewServer()
	defer server.Close()
	port, _ := strconv.Atoi(server.URL.Port())
	r := ready{Ok: true, Port: port}
	if h.Fixup {
		proxy, err := startFixupProxy(server.URL)
		if err != nil {
			return err
		}
		defer proxy.Close()
		r.FixupPort = proxy.Port
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := newDriver(ctx, server.URL)
	if err != nil {
		return err
	}
	if err := out.Encode(r); err != nil {
		return nil // snapsim went away
	}

	lines := make(chan []byte)
	go func() {
		for in.Scan() {
			lines <- append([]byte(nil), in.Bytes()...)
		}
		close(lines)
	}()
	for {
		select {
		case <-signals:
			return nil // the deferred calls remove the datastores
		case line, ok := <-lines:
			if !ok {
				return nil // stdin closed: snapsim is done
			}
			if err := out.Encode(d.handle(line)); err != nil {
				return nil
			}
		}
	}
}
