package main

// driver.go: the requests snapsim sends after the first line, each carried out with
// govmomi's client against the simulator, as any vSphere client would.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/task"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// request is one line from snapsim. Op names the call; the other fields are its
// arguments, unused ones left out.
type request struct {
	Op              string `json:"op"`
	VM              string `json:"vm"`
	State           string `json:"state,omitempty"`
	Snapshot        string `json:"snapshot,omitempty"`
	Memory          bool   `json:"memory,omitempty"`
	Quiesce         bool   `json:"quiesce,omitempty"`
	RemoveChildren  bool   `json:"remove_children,omitempty"`
	SuppressPowerOn bool   `json:"suppress_power_on,omitempty"`
}

// snapshotNode is one snapshot in an "observe" answer.
type snapshotNode struct {
	Name     string         `json:"name"`
	Children []snapshotNode `json:"children"`
}

// response is the answer to one request. Fault is the vSphere fault's type name
// (InvalidPowerState, ...) or one of this program's own: NotFound (no snapshot of that
// name), AmbiguousName (several), BadRequest.
type response struct {
	Ok      bool           `json:"ok"`
	Fault   string         `json:"fault,omitempty"`
	Message string         `json:"message,omitempty"`
	State   string         `json:"state,omitempty"`
	Current *string        `json:"current,omitempty"`
	Roots   []snapshotNode `json:"roots,omitempty"`
}

type driver struct {
	ctx    context.Context
	client *govmomi.Client
	finder *find.Finder
	host   *object.HostSystem
	pool   *object.ResourcePool
	folder *object.Folder
}

func newDriver(ctx context.Context, u *url.URL) (*driver, error) {
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return nil, fmt.Errorf("logging in to the simulator: %v", err)
	}
	d := &driver{ctx: ctx, client: client, finder: find.NewFinder(client.Client, false)}
	dc, err := d.finder.DefaultDatacenter(ctx)
	if err != nil {
		return nil, err
	}
	d.finder.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		return nil, err
	}
	d.folder = folders.VmFolder
	if d.host, err = d.finder.DefaultHostSystem(ctx); err != nil {
		return nil, err
	}
	if d.pool, err = d.host.ResourcePool(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

func failure(fault, format string, args ...interface{}) response {
	return response{Fault: fault, Message: fmt.Sprintf(format, args...)}
}

// faultOf turns an error from a call or a task into a response carrying the vSphere
// fault's type name, so that snapsim can map it to an error class.
func faultOf(err error) response {
	if err == nil {
		return response{Ok: true}
	}
	var fault types.BaseMethodFault
	if soap.IsSoapFault(err) {
		if f, ok := soap.ToSoapFault(err).VimFault().(types.BaseMethodFault); ok {
			fault = f
		}
	} else if soap.IsVimFault(err) {
		fault = soap.ToVimFault(err)
	} else if te, ok := err.(task.Error); ok {
		fault = te.Fault()
	}
	if fault == nil {
		return failure("Unknown", "%v", err)
	}
	return failure(fmt.Sprintf("%T", fault)[len("*types."):], "%v", err)
}

func (d *driver) handle(line []byte) response {
	var r request
	if err := json.Unmarshal(line, &r); err != nil {
		return failure("BadRequest", "not a JSON request: %v", err)
	}
	if r.Op == "define" {
		return d.define(r)
	}
	vm, err := d.finder.VirtualMachine(d.ctx, r.VM)
	if err != nil {
		return failure("BadRequest", "no VM %q: %v", r.VM, err)
	}
	switch r.Op {
	case "destroy":
		return d.destroy(vm)
	case "observe":
		return d.observe(vm)
	case "create":
		return wait(d.ctx, func() (*object.Task, error) {
			return vm.CreateSnapshot(d.ctx, r.Snapshot, "", r.Memory, r.Quiesce)
		})
	case "remove", "revert":
		return d.onSnapshot(vm, r)
	case "power_on":
		return wait(d.ctx, func() (*object.Task, error) { return vm.PowerOn(d.ctx) })
	case "power_off":
		return wait(d.ctx, func() (*object.Task, error) { return vm.PowerOff(d.ctx) })
	case "suspend":
		return wait(d.ctx, func() (*object.Task, error) { return vm.Suspend(d.ctx) })
	}
	return failure("BadRequest", "unknown op %q", r.Op)
}

// wait starts a task and waits for its end.
func wait(ctx context.Context, start func() (*object.Task, error)) response {
	t, err := start()
	if err != nil {
		return faultOf(err)
	}
	return faultOf(t.Wait(ctx))
}
