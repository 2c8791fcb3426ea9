package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// The subset of the Kubernetes objects docs/deploy/k8s-cronjob.yaml uses. Decoding is
// strict (KnownFields): a misspelt or misplaced key there fails the test instead of
// being ignored, as the API server would ignore or reject it.
type k8sMeta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

type k8sConfigMap struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   k8sMeta           `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
}

type k8sPVC struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		AccessModes []string `yaml:"accessModes"`
		Resources   struct {
			Requests map[string]string `yaml:"requests"`
		} `yaml:"resources"`
	} `yaml:"spec"`
}

type k8sSecurityContext struct {
	RunAsNonRoot             *bool `yaml:"runAsNonRoot"`
	RunAsUser                *int  `yaml:"runAsUser"`
	RunAsGroup               *int  `yaml:"runAsGroup"`
	FSGroup                  *int  `yaml:"fsGroup"`
	AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
	SeccompProfile           *struct {
		Type string `yaml:"type"`
	} `yaml:"seccompProfile"`
	Capabilities *struct {
		Drop []string `yaml:"drop"`
	} `yaml:"capabilities"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	SecurityContext k8sSecurityContext `yaml:"securityContext"`
	Resources       struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type k8sVolume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name string `yaml:"name"`
	} `yaml:"configMap"`
	Secret *struct {
		SecretName  string `yaml:"secretName"`
		DefaultMode int    `yaml:"defaultMode"`
	} `yaml:"secret"`
	EmptyDir *struct {
		Medium    string `yaml:"medium"`
		SizeLimit string `yaml:"sizeLimit"`
	} `yaml:"emptyDir"`
	PersistentVolumeClaim *struct {
		ClaimName string `yaml:"claimName"`
	} `yaml:"persistentVolumeClaim"`
}

type k8sPodSpec struct {
	RestartPolicy                string             `yaml:"restartPolicy"`
	AutomountServiceAccountToken *bool              `yaml:"automountServiceAccountToken"`
	SecurityContext              k8sSecurityContext `yaml:"securityContext"`
	InitContainers               []k8sContainer     `yaml:"initContainers"`
	Containers                   []k8sContainer     `yaml:"containers"`
	Volumes                      []k8sVolume        `yaml:"volumes"`
}

type k8sCronJob struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		Schedule                   string `yaml:"schedule"`
		TimeZone                   string `yaml:"timeZone"`
		ConcurrencyPolicy          string `yaml:"concurrencyPolicy"`
		StartingDeadlineSeconds    int    `yaml:"startingDeadlineSeconds"`
		SuccessfulJobsHistoryLimit int    `yaml:"successfulJobsHistoryLimit"`
		FailedJobsHistoryLimit     int    `yaml:"failedJobsHistoryLimit"`
		JobTemplate                struct {
			Spec struct {
				BackoffLimit          *int `yaml:"backoffLimit"`
				ActiveDeadlineSeconds int  `yaml:"activeDeadlineSeconds"`
				Template              struct {
					Metadata k8sMeta    `yaml:"metadata"`
					Spec     k8sPodSpec `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

// decodeStrict decodes one YAML document into v, refusing unknown keys.
func decodeStrict(t *testing.T, doc string, v any) {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("k8s-cronjob.yaml: %v\n%s", err, doc)
	}
}

func TestK8sCronJob(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploy", "k8s-cronjob.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm k8sConfigMap
	var pvc k8sPVC
	var cj k8sCronJob
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
		var head struct {
			Kind string `yaml:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatal(err)
		}
		switch head.Kind {
		case "ConfigMap":
			decodeStrict(t, doc, &cm)
		case "PersistentVolumeClaim":
			decodeStrict(t, doc, &pvc)
		case "CronJob":
			decodeStrict(t, doc, &cj)
		default:
			t.Fatalf("unexpected document of kind %q", head.Kind)
		}
	}
	if cj.APIVersion != "batch/v1" || cj.Kind != "CronJob" || cm.APIVersion != "v1" || pvc.APIVersion != "v1" {
		t.Fatalf("apiVersion/kind: CronJob %s %s, ConfigMap %s, PVC %s", cj.APIVersion, cj.Kind, cm.APIVersion, pvc.APIVersion)
	}
	if _, err := cron.ParseStandard(cj.Spec.Schedule); err != nil {
		t.Errorf("schedule %q: %v", cj.Spec.Schedule, err)
	}
	if cj.Spec.ConcurrencyPolicy != "Forbid" {
		t.Errorf("concurrencyPolicy %q, want Forbid", cj.Spec.ConcurrencyPolicy)
	}
	job := cj.Spec.JobTemplate.Spec
	if job.BackoffLimit == nil || *job.BackoffLimit != 0 {
		t.Error("backoffLimit must be 0: a run that exits 5 would only find the same again")
	}
	pod := job.Template.Spec
	if pod.RestartPolicy != "Never" {
		t.Errorf("restartPolicy %q", pod.RestartPolicy)
	}
	sc := pod.SecurityContext
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 ||
		sc.FSGroup == nil || sc.SeccompProfile == nil {
		t.Errorf("pod securityContext %+v: want runAsNonRoot, a non-zero runAsUser, fsGroup, a seccomp profile", sc)
	}
	// The image's USER must be the one Kubernetes runs: runAsNonRoot checks the image.
	if *sc.RunAsUser != containerfileUID(t) {
		t.Errorf("runAsUser %d is not the Containerfile's USER %d", *sc.RunAsUser, containerfileUID(t))
	}

	volumes := map[string]k8sVolume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	var main *k8sContainer
	for i, c := range pod.Containers {
		if c.Name == "pgcheckup" {
			main = &pod.Containers[i]
		}
	}
	if main == nil {
		t.Fatal("no container named pgcheckup")
	}
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		s := c.SecurityContext
		if s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation || s.ReadOnlyRootFilesystem == nil ||
			!*s.ReadOnlyRootFilesystem || s.Capabilities == nil || !slices.Contains(s.Capabilities.Drop, "ALL") {
			t.Errorf("container %s: securityContext %+v: want no privilege escalation, a read-only root, all capabilities dropped", c.Name, s)
		}
		for _, m := range c.VolumeMounts {
			if _, ok := volumes[m.Name]; !ok {
				t.Errorf("container %s mounts %q, which is not a volume", c.Name, m.Name)
			}
		}
	}
	// PGPASSFILE names a file in a volume that holds the Secret's copy, mode 0600.
	var passfile string
	for _, e := range main.Env {
		if e.Name == "PGPASSFILE" {
			passfile = e.Value
		}
	}
	mountOf := func(c *k8sContainer, path string) string {
		for _, m := range c.VolumeMounts {
			if strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/") {
				return m.Name
			}
		}
		return ""
	}
	pv := mountOf(main, passfile)
	if passfile == "" || pv == "" {
		t.Fatalf("PGPASSFILE %q is not in a mounted volume", passfile)
	}
	var copied bool
	for i := range pod.InitContainers {
		ic := &pod.InitContainers[i]
		cmd := ic.Command
		if len(cmd) == 5 && cmd[0] == "install" && cmd[1] == "-m" && cmd[2] == "0600" && cmd[4] == passfile {
			// The run's user reads the Secret's file through fsGroup; others never.
			if src := volumes[mountOf(ic, cmd[3])]; src.Secret != nil && src.Secret.SecretName != "" &&
				src.Secret.DefaultMode&0o007 == 0 && src.Secret.DefaultMode&0o040 != 0 {
				copied = true
			}
		}
	}
	if !copied || volumes[pv].EmptyDir == nil || volumes[pv].EmptyDir.Medium != "Memory" {
		t.Errorf("PGPASSFILE %s: want an init container installing it with mode 0600 from the Secret into a memory volume", passfile)
	}

	// The configuration the ConfigMap holds is one pgcheckup accepts, at the path the
	// args name, and writes to the persistent volume.
	cfgVol := volumes[mountOf(main, "/etc/pgcheckup/pgcheckup.toml")]
	if cfgVol.ConfigMap == nil || cfgVol.ConfigMap.Name != cm.Metadata.Name || !slices.Contains(main.Args, "/etc/pgcheckup/pgcheckup.toml") {
		t.Fatalf("the config file is not mounted from the ConfigMap %s at the path the args give: %q", cm.Metadata.Name, main.Args)
	}
	path := filepath.Join(t.TempDir(), "pgcheckup.toml")
	if err := os.WriteFile(path, []byte(cm.Data["pgcheckup.toml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := defaults()
	if err := loadFile(path, &cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Keep.Age == 0 || cfg.FailOn == "" {
		t.Errorf("the ConfigMap's configuration should set keep and fail_on: %+v %q", cfg.Keep, cfg.FailOn)
	}
	if rv := volumes[mountOf(main, cfg.Out+"/x")]; rv.PersistentVolumeClaim == nil || rv.PersistentVolumeClaim.ClaimName != pvc.Metadata.Name {
		t.Errorf("out %q is not on the PersistentVolumeClaim %s: the history would be lost with each pod", cfg.Out, pvc.Metadata.Name)
	}
	if !bytes.Contains(b, []byte("kubectl create secret generic "+volumes["secret"].Secret.SecretName)) {
		t.Error("the comment does not say how to create the Secret the CronJob mounts")
	}
}
