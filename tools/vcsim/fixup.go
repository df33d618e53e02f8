package main

// fixup.go: a TLS reverse proxy in front of the simulator that rewrites its SOAP
// responses into the XML libvirt's ESX driver (src/esx/esx_vi_types.c) accepts. vcsim's
// encoder (Go's encoding/xml) writes valid SOAP, but libvirt's hand-written parser wants
// more than the schema requires. Each rewrite names the libvirt rule it satisfies.

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
)

var (
	// 1. libvirt reads a value's dynamic type only from an attribute spelled exactly
	// "xsi:type" (esxVI_GetActualObjectType / esxVI_AnyType_Deserialize look the
	// attribute up by that name); Go declares the namespace on each element with its own
	// prefix "XMLSchema-instance". Without it: "AnyType is missing 'type' property".
	goTypeAttr = regexp.MustCompile(`xmlns:XMLSchema-instance="http://www\.w3\.org/2001/XMLSchema-instance" XMLSchema-instance:type="`)
	// 2. Every ManagedObjectReference inside an ArrayOfManagedObjectReference (an
	// AnyType value) must carry its own xsi:type, which libvirt checks against the
	// expected type before it deserializes the item.
	bareMoref = regexp.MustCompile(`<ManagedObjectReference type="`)
	// 3. Primitive values inside AnyType arrays (ArrayOfString, ArrayOfInt, ...) need
	// xsi:type="xsd:..." for the same check.
	barePrimitive = regexp.MustCompile(`<(int|long|short|string|boolean)>`)
	// 4. Items of ArrayOfX for a complex X are untyped in Go's output (<HostCpuIdInfo>);
	// libvirt wants xsi:type="X" on each. The array types seen in a response say which.
	arrayType = regexp.MustCompile(`xsi:type="ArrayOf([A-Z][A-Za-z0-9]*)"`)
	// 5. A property change with no value (op "assign" to nil) has no <val>; libvirt's
	// ObjectContent/PropertyChange deserializer requires one, so drop such changes.
	emptyChange = regexp.MustCompile(`<changeSet><name>[^<]*</name><op>assign</op></changeSet>`)
	// 6. Cosmetic: ServiceContent properties newer than libvirt's 9.0 type table make
	// esxVI_ServiceContent_Deserialize print "Unexpected 'serviceManager' property"
	// warnings on every connection (VIR_WARN, not an error). Nothing libvirt uses.
	newerServiceContent = regexp.MustCompile(`<(serviceManager|datastoreNamespaceManager) [^>]*>[^<]*</(serviceManager|datastoreNamespaceManager)>`)
)

// FixupXML applies the rewrites to one SOAP response body.
func FixupXML(body []byte) []byte {
	body = goTypeAttr.ReplaceAll(body, []byte(`xsi:type="`))
	body = bareMoref.ReplaceAll(body, []byte(`<ManagedObjectReference xsi:type="ManagedObjectReference" type="`))
	body = barePrimitive.ReplaceAll(body, []byte(`<$1 xsi:type="xsd:$1">`))
	seen := map[string]bool{}
	for _, m := range arrayType.FindAllSubmatch(body, -1) {
		item := string(m[1])
		switch item {
		case "ManagedObjectReference", "String", "Int", "Long", "Short", "Boolean":
			continue // handled by rewrites 2 and 3
		}
		if seen[item] {
			continue
		}
		seen[item] = true
		body = bytes.ReplaceAll(body, []byte("<"+item+">"), []byte("<"+item+` xsi:type="`+item+`">`))
	}
	body = emptyChange.ReplaceAll(body, nil)
	return newerServiceContent.ReplaceAll(body, nil)
}

type fixupProxy struct {
	server *httptest.Server
	Port   int
}

func (p *fixupProxy) Close() { p.server.Close() }

// startFixupProxy serves TLS on 127.0.0.1 and a kernel-picked port (httptest's own
// self-signed localhost certificate; libvirt connects with no_verify=1) and forwards to
// the simulator at target.
func startFixupProxy(target *url.URL) (*fixupProxy, error) {
	upstream := &url.URL{Scheme: target.Scheme, Host: target.Host}
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		body = FixupXML(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	server := httptest.NewUnstartedServer(proxy)
	server.StartTLS()
	return &fixupProxy{server: server, Port: server.Listener.Addr().(*net.TCPAddr).Port}, nil
}
