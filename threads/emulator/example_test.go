package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// Example starts the emulator with the demo world and reads the demo
// account's profile, exactly as a client would against graph.threads.net.
func Example() {
	s := emulator.NewServer(emulator.WithDemoWorld())
	defer s.Close()

	req, err := http.NewRequest(http.MethodGet, s.BaseURL()+"/me?fields=username,name", nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.DemoToken())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()

	var me struct {
		Username string `json:"username"`
		Name     string `json:"name"`
	}
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil {
		panic(err)
	}
	fmt.Println(res.StatusCode, me.Username, me.Name)
	// Output: 200 sandbox_demo Sandbox Demo
}
