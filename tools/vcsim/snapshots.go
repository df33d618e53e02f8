package main

// snapshots.go: VM lifecycle and snapshot lookups for the driver.

import (
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// define creates an empty VM named r.VM on the ESX host and brings it to r.State
// (poweredOff, poweredOn or suspended).
func (d *driver) define(r request) response {
	if _, err := d.finder.VirtualMachine(d.ctx, r.VM); err == nil {
		return failure("DuplicateName", "a VM named %q already exists", r.VM)
	}
	spec := types.VirtualMachineConfigSpec{
		Name:    r.VM,
		GuestId: string(types.VirtualMachineGuestOsIdentifierOtherGuest),
		Files:   &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
	}
	t, err := d.folder.CreateVM(d.ctx, spec, d.pool, d.host)
	if err != nil {
		return faultOf(err)
	}
	if err := t.Wait(d.ctx); err != nil {
		return faultOf(err)
	}
	vm, err := d.finder.VirtualMachine(d.ctx, r.VM)
	if err != nil {
		return faultOf(err)
	}
	switch r.State {
	case "", "poweredOff":
		return response{Ok: true}
	case "poweredOn", "suspended":
		if res := wait(d.ctx, func() (*object.Task, error) { return vm.PowerOn(d.ctx) }); !res.Ok {
			return res
		}
		if r.State == "suspended" {
			return wait(d.ctx, func() (*object.Task, error) { return vm.Suspend(d.ctx) })
		}
		return response{Ok: true}
	}
	return failure("BadRequest", "unknown power state %q", r.State)
}

// destroy powers the VM off if needed and destroys it with its snapshots.
func (d *driver) destroy(vm *object.VirtualMachine) response {
	if state, err := vm.PowerState(d.ctx); err == nil && state != types.VirtualMachinePowerStatePoweredOff {
		if res := wait(d.ctx, func() (*object.Task, error) { return vm.PowerOff(d.ctx) }); !res.Ok {
			return res
		}
	}
	return wait(d.ctx, func() (*object.Task, error) { return vm.Destroy(d.ctx) })
}

func (d *driver) properties(vm *object.VirtualMachine) (mo.VirtualMachine, error) {
	var m mo.VirtualMachine
	err := vm.Properties(d.ctx, vm.Reference(), []string{"snapshot", "runtime.powerState"}, &m)
	return m, err
}

// findByName returns every snapshot in the tree named `name` (vSphere allows several).
func findByName(trees []types.VirtualMachineSnapshotTree, name string) []types.ManagedObjectReference {
	var refs []types.ManagedObjectReference
	for _, t := range trees {
		if t.Name == name {
			refs = append(refs, t.Snapshot)
		}
		refs = append(refs, findByName(t.ChildSnapshotList, name)...)
	}
	return refs
}

func nameOf(trees []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference) *string {
	for _, t := range trees {
		if t.Snapshot == ref {
			return &t.Name
		}
		if name := nameOf(t.ChildSnapshotList, ref); name != nil {
			return name
		}
	}
	return nil
}

func nodes(trees []types.VirtualMachineSnapshotTree) []snapshotNode {
	out := []snapshotNode{}
	for _, t := range trees {
		out = append(out, snapshotNode{Name: t.Name, Children: nodes(t.ChildSnapshotList)})
	}
	return out
}

// observe reports the power state, the current snapshot and the snapshot forest. A
// current snapshot that is no longer in the tree is reported as "<gone SNAPSHOT-MOREF>":
// snapsim shows it as it is rather than hiding it.
func (d *driver) observe(vm *object.VirtualMachine) response {
	m, err := d.properties(vm)
	if err != nil {
		return faultOf(err)
	}
	res := response{Ok: true, State: string(m.Runtime.PowerState), Roots: []snapshotNode{}}
	if m.Snapshot == nil {
		return res
	}
	res.Roots = nodes(m.Snapshot.RootSnapshotList)
	if cur := m.Snapshot.CurrentSnapshot; cur != nil {
		res.Current = nameOf(m.Snapshot.RootSnapshotList, *cur)
		if res.Current == nil {
			gone := "<gone " + cur.Value + ">"
			res.Current = &gone
		}
	}
	return res
}

// onSnapshot looks the snapshot up by name (a client-side lookup: the vSphere API works
// on references) and removes or reverts to it.
func (d *driver) onSnapshot(vm *object.VirtualMachine, r request) response {
	m, err := d.properties(vm)
	if err != nil {
		return faultOf(err)
	}
	var refs []types.ManagedObjectReference
	if m.Snapshot != nil {
		refs = findByName(m.Snapshot.RootSnapshotList, r.Snapshot)
	}
	if len(refs) == 0 {
		return failure("NotFound", "no snapshot named %q", r.Snapshot)
	}
	if len(refs) > 1 {
		return failure("AmbiguousName", "%d snapshots are named %q", len(refs), r.Snapshot)
	}
	c := d.client.Client
	if r.Op == "remove" {
		consolidate := true
		req := types.RemoveSnapshot_Task{This: refs[0], RemoveChildren: r.RemoveChildren, Consolidate: &consolidate}
		return wait(d.ctx, func() (*object.Task, error) {
			res, err := methods.RemoveSnapshot_Task(d.ctx, c, &req)
			if err != nil {
				return nil, err
			}
			return object.NewTask(c, res.Returnval), nil
		})
	}
	suppress := r.SuppressPowerOn
	req := types.RevertToSnapshot_Task{This: refs[0], SuppressPowerOn: &suppress}
	return wait(d.ctx, func() (*object.Task, error) {
		res, err := methods.RevertToSnapshot_Task(d.ctx, c, &req)
		if err != nil {
			return nil, err
		}
		return object.NewTask(c, res.Returnval), nil
	})
}
