package main

// fixup_test.go: each rewrite of FixupXML on a body as the simulator writes it (govmomi's
// vim25/xml encoder, the one simulator.Service uses for every response), against the
// exact text libvirt's ESX driver needs. Run like the build runs `go build`:
//   GOPATH=/usr/share/gocode GO111MODULE=off go test .
// (ctest `vcsim-fixup-go-test`). `go build` never compiles _test.go files.

import (
	"bytes"
	"testing"

	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

const xsiDecl = `xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type=`

var vm42 = types.ManagedObjectReference{Type: "VirtualMachine", Value: "vm-42"}

// encode writes v as the simulator would inside a SOAP body.
func encode(t *testing.T, v interface{}) string {
	t.Helper()
	var out bytes.Buffer
	if err := xml.NewEncoder(&out).Encode(v); err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	return out.String()
}

type fixupCase struct {
	name  string
	value interface{} // encoded with govmomi's encoder
	input string      // what that encoder writes (checked, so the cases follow govmomi)
	want  string      // what FixupXML must make of it
}

var fixupCases = []fixupCase{
	{
		name:  "1: a primitive AnyType gets the xsi:type attribute libvirt looks up by name",
		value: types.DynamicProperty{Name: "b", Val: true},
		input: `<DynamicProperty><name>b</name><val ` + xsiDecl + `"xsd:boolean">true</val></DynamicProperty>`,
		want:  `<DynamicProperty><name>b</name><val xsi:type="xsd:boolean">true</val></DynamicProperty>`,
	},
	{
		name: "1+2: each reference in an ArrayOfManagedObjectReference is typed",
		value: types.DynamicProperty{Name: "vm", Val: types.ArrayOfManagedObjectReference{
			ManagedObjectReference: []types.ManagedObjectReference{vm42, {Type: "VirtualMachine", Value: "vm-43"}}}},
		input: `<DynamicProperty><name>vm</name><val ` + xsiDecl + `"ArrayOfManagedObjectReference">` +
			`<ManagedObjectReference type="VirtualMachine">vm-42</ManagedObjectReference>` +
			`<ManagedObjectReference type="VirtualMachine">vm-43</ManagedObjectReference></val></DynamicProperty>`,
		want: `<DynamicProperty><name>vm</name><val xsi:type="ArrayOfManagedObjectReference">` +
			`<ManagedObjectReference xsi:type="ManagedObjectReference" type="VirtualMachine">vm-42</ManagedObjectReference>` +
			`<ManagedObjectReference xsi:type="ManagedObjectReference" type="VirtualMachine">vm-43</ManagedObjectReference></val></DynamicProperty>`,
	},
	{
		name:  "1+3: strings in an ArrayOfString are xsd:string",
		value: types.DynamicProperty{Name: "s", Val: types.ArrayOfString{String: []string{"a", "b"}}},
		input: `<DynamicProperty><name>s</name><val ` + xsiDecl + `"ArrayOfString"><string>a</string><string>b</string></val></DynamicProperty>`,
		want: `<DynamicProperty><name>s</name><val xsi:type="ArrayOfString">` +
			`<string xsi:type="xsd:string">a</string><string xsi:type="xsd:string">b</string></val></DynamicProperty>`,
	},
	{
		name:  "1+3: ints in an ArrayOfInt are xsd:int",
		value: types.DynamicProperty{Name: "i", Val: types.ArrayOfInt{Int: []int32{7}}},
		input: `<DynamicProperty><name>i</name><val ` + xsiDecl + `"ArrayOfInt"><int>7</int></val></DynamicProperty>`,
		want:  `<DynamicProperty><name>i</name><val xsi:type="ArrayOfInt"><int xsi:type="xsd:int">7</int></val></DynamicProperty>`,
	},
	{
		name: "1+4: items of an ArrayOfX for a complex X are typed X",
		value: types.DynamicProperty{Name: "c", Val: types.ArrayOfHostCpuIdInfo{
			HostCpuIdInfo: []types.HostCpuIdInfo{{Level: 1, Eax: "x"}, {Level: 2, Eax: "y"}}}},
		input: `<DynamicProperty><name>c</name><val ` + xsiDecl + `"ArrayOfHostCpuIdInfo">` +
			`<HostCpuIdInfo><level>1</level><eax>x</eax></HostCpuIdInfo>` +
			`<HostCpuIdInfo><level>2</level><eax>y</eax></HostCpuIdInfo></val></DynamicProperty>`,
		want: `<DynamicProperty><name>c</name><val xsi:type="ArrayOfHostCpuIdInfo">` +
			`<HostCpuIdInfo xsi:type="HostCpuIdInfo"><level>1</level><eax>x</eax></HostCpuIdInfo>` +
			`<HostCpuIdInfo xsi:type="HostCpuIdInfo"><level>2</level><eax>y</eax></HostCpuIdInfo></val></DynamicProperty>`,
	},
	{
		name: "5: a change to no value is dropped, a change with one is kept",
		value: types.ObjectUpdate{Obj: vm42, Kind: types.ObjectUpdateKindModify, ChangeSet: []types.PropertyChange{
			{Name: "snapshot", Op: types.PropertyChangeOpAssign},
			{Name: "name", Op: types.PropertyChangeOpAssign, Val: "x"}}},
		input: `<ObjectUpdate><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>` +
			`<changeSet><name>snapshot</name><op>assign</op></changeSet>` +
			`<changeSet><name>name</name><op>assign</op><val ` + xsiDecl + `"xsd:string">x</val></changeSet></ObjectUpdate>`,
		want: `<ObjectUpdate><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>` +
			`<changeSet><name>name</name><op>assign</op><val xsi:type="xsd:string">x</val></changeSet></ObjectUpdate>`,
	},
	{
		name: "6: ServiceContent loses the properties libvirt 9.0's table does not know",
		value: types.ServiceContent{RootFolder: types.ManagedObjectReference{Type: "Folder", Value: "ha-folder-root"},
			ServiceManager:            &types.ManagedObjectReference{Type: "ServiceManager", Value: "ServiceMgr"},
			DatastoreNamespaceManager: &types.ManagedObjectReference{Type: "DatastoreNamespaceManager", Value: "ha-dsns"}},
		input: `<ServiceContent><rootFolder type="Folder">ha-folder-root</rootFolder><propertyCollector type=""></propertyCollector>` +
			`<about><name></name><fullName></fullName><vendor></vendor><version></version><build></build><osType></osType>` +
			`<productLineId></productLineId><apiType></apiType><apiVersion></apiVersion></about>` +
			`<serviceManager type="ServiceManager">ServiceMgr</serviceManager>` +
			`<datastoreNamespaceManager type="DatastoreNamespaceManager">ha-dsns</datastoreNamespaceManager></ServiceContent>`,
		want: `<ServiceContent><rootFolder type="Folder">ha-folder-root</rootFolder><propertyCollector type=""></propertyCollector>` +
			`<about><name></name><fullName></fullName><vendor></vendor><version></version><build></build><osType></osType>` +
			`<productLineId></productLineId><apiType></apiType><apiVersion></apiVersion></about></ServiceContent>`,
	},
}

func TestEachRewriteGivesTheTextLibvirtNeeds(t *testing.T) {
	for _, c := range fixupCases {
		if got := encode(t, c.value); got != c.input {
			t.Errorf("%s: govmomi's encoder now writes\n  %s\nnot\n  %s", c.name, got, c.input)
			continue
		}
		if got := string(FixupXML([]byte(c.input))); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.name, got, c.want)
		}
	}
}

func TestTextNeedingNoRewriteIsUntouched(t *testing.T) {
	untouched := []string{
		// Named references (not AnyType array items), plain fields, a fault.
		encode(t, types.ObjectUpdate{Obj: vm42, Kind: types.ObjectUpdateKindEnter}),
		encode(t, types.VirtualMachineSnapshotTree{Snapshot: vm42, Name: "A", Id: 3, State: "poweredOn"}),
		`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>no such VM</faultstring></soapenv:Fault>`,
		// A complex item outside any ArrayOf it names: rewrite 4 needs the array type.
		`<HostCpuIdInfo><level>1</level></HostCpuIdInfo>`,
		// Only `assign` to nothing is dropped.
		`<changeSet><name>snapshot</name><op>remove</op></changeSet>`,
	}
	for _, c := range fixupCases {
		untouched = append(untouched, c.want) // the rewrites do not apply twice
	}
	for _, text := range untouched {
		if got := string(FixupXML([]byte(text))); got != text {
			t.Errorf("rewrote text that needed nothing:\n got  %s\n was  %s", got, text)
		}
	}
}

func TestAWholeResponseEnvelope(t *testing.T) {
	// A RetrievePropertiesEx answer as libvirt receives it through the proxy: the
	// envelope is untouched, the AnyType value inside is typed.
	head := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ` +
		`xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25">` +
		`<returnval><objects><obj type="HostSystem">ha-host</obj><propSet><name>vm</name>`
	tail := `</propSet></objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`
	body := head + `<val ` + xsiDecl + `"ArrayOfManagedObjectReference">` +
		`<ManagedObjectReference type="VirtualMachine">vm-42</ManagedObjectReference></val>` + tail
	want := head + `<val xsi:type="ArrayOfManagedObjectReference">` +
		`<ManagedObjectReference xsi:type="ManagedObjectReference" type="VirtualMachine">vm-42</ManagedObjectReference></val>` + tail
	if got := string(FixupXML([]byte(body))); got != want {
		t.Errorf("\n got  %s\n want %s", got, want)
	}
}
