package media

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Store keeps staged media in an S3-compatible bucket (AWS S3,
// Cloudflare R2, MinIO, Backblaze B2, GCS interoperability) and hands Meta
// presigned GET URLs.
type S3Store struct {
	client         *minio.Client
	bucket, prefix string
	name           string
}

// S3 environment variables, as the AWS tools read them
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
const (
	EnvAccessKeyID     = "AWS_ACCESS_KEY_ID"
	EnvSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	EnvSessionToken    = "AWS_SESSION_TOKEN"
	EnvRegion          = "AWS_REGION"
	EnvDefaultRegion   = "AWS_DEFAULT_REGION"
	EnvEndpointS3      = "AWS_ENDPOINT_URL_S3"
	EnvEndpoint        = "AWS_ENDPOINT_URL"
)

// NewS3Store returns the store of spec ("s3://bucket/prefix"), its
// endpoint, region and credentials read with getenv: AWS_ENDPOINT_URL_S3
// or AWS_ENDPOINT_URL (default AWS), AWS_REGION or AWS_DEFAULT_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. transport,
// when not nil, carries its requests (tests).
func NewS3Store(spec string, getenv func(string) string, transport http.RoundTripper) (*S3Store, error) {
	u, err := url.Parse(spec)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("--media-store %q: want s3://bucket/prefix", spec)
	}
	endpoint := firstNonEmpty(getenv(EnvEndpointS3), getenv(EnvEndpoint), "https://s3.amazonaws.com")
	eu, err := url.Parse(endpoint)
	if err != nil || (eu.Scheme != "https" && eu.Scheme != "http") || eu.Host == "" {
		return nil, fmt.Errorf("%s / %s %q: want an http(s) URL such as https://ACCOUNT.r2.cloudflarestorage.com", EnvEndpointS3, EnvEndpoint, endpoint)
	}
	id, secret := getenv(EnvAccessKeyID), getenv(EnvSecretAccessKey)
	if id == "" || secret == "" {
		return nil, fmt.Errorf("--media-store %s needs %s and %s", spec, EnvAccessKeyID, EnvSecretAccessKey)
	}
	region := firstNonEmpty(getenv(EnvRegion), getenv(EnvDefaultRegion))
	if region == "" && strings.HasSuffix(eu.Host, "amazonaws.com") {
		region = "us-east-1"
	}
	c, err := minio.New(eu.Host, &minio.Options{
		Creds:     credentials.NewStaticV4(id, secret, getenv(EnvSessionToken)),
		Secure:    eu.Scheme == "https",
		Region:    region,
		Transport: transport,
	})
	if err != nil {
		return nil, fmt.Errorf("--media-store %s: %w", spec, err)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3Store{client: c, bucket: u.Host, prefix: prefix, name: "s3://" + u.Host + "/" + prefix}, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Name is the store's s3:// spec.
func (s *S3Store) Name() string { return s.name }

// Put uploads the object with its content type.
func (s *S3Store) Put(ctx context.Context, obj Object, r io.Reader) error {
	size := obj.Size
	if size <= 0 {
		size = -1
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.prefix+obj.ID, r, size, minio.PutObjectOptions{ContentType: obj.ContentType})
	if err != nil {
		return fmt.Errorf("media store %s: put: %w", s.name, err)
	}
	return nil
}

// URL presigns a GET of the object for ttl.
func (s *S3Store) URL(ctx context.Context, id string, ttl time.Duration) (string, error) {
	u, err := s.client.PresignedGetObject(ctx, s.bucket, s.prefix+id, ttl, nil)
	if err != nil {
		return "", fmt.Errorf("media store %s: presign: %w", s.name, err)
	}
	return u.String(), nil
}

// TypedURL presigns a GET of the object for ttl that answers with
// Content-Type contentType whatever the object was stored with (an upload
// PUT with a wrong or missing type).
func (s *S3Store) TypedURL(ctx context.Context, id, contentType string, ttl time.Duration) (string, error) {
	u, err := s.client.PresignedGetObject(ctx, s.bucket, s.prefix+id, ttl, url.Values{"response-content-type": {contentType}})
	if err != nil {
		return "", fmt.Errorf("media store %s: presign: %w", s.name, err)
	}
	return u.String(), nil
}

// UploadURL presigns a PUT of the object for ttl. S3 cannot cap a
// presigned PUT's size; the upload is checked (size, content) when used.
func (s *S3Store) UploadURL(ctx context.Context, id string, _ int64, ttl time.Duration) (string, error) {
	u, err := s.client.PresignedPutObject(ctx, s.bucket, s.prefix+id, ttl)
	if err != nil {
		return "", fmt.Errorf("media store %s: presign: %w", s.name, err)
	}
	return u.String(), nil
}

// Open opens the object for reading (ranged reads).
func (s *S3Store) Open(ctx context.Context, id string) (ReadAtCloser, Object, error) {
	info, err := s.client.StatObject(ctx, s.bucket, s.prefix+id, minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
			return nil, Object{}, ErrNotFound
		}
		return nil, Object{}, fmt.Errorf("media store %s: %w", s.name, err)
	}
	o, err := s.client.GetObject(ctx, s.bucket, s.prefix+id, minio.GetObjectOptions{})
	if err != nil {
		return nil, Object{}, fmt.Errorf("media store %s: %w", s.name, err)
	}
	return o, Object{ID: id, ContentType: info.ContentType, Size: info.Size, Created: info.LastModified}, nil
}

// Delete removes the object.
func (s *S3Store) Delete(ctx context.Context, id string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, s.prefix+id, minio.RemoveObjectOptions{}); err != nil &&
		minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		return fmt.Errorf("media store %s: delete: %w", s.name, err)
	}
	return nil
}

// Sweep removes the prefix's objects last modified before t.
func (s *S3Store) Sweep(ctx context.Context, before time.Time) (int, error) {
	n := 0
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix}) {
		if o.Err != nil {
			return n, fmt.Errorf("media store %s: list: %w", s.name, o.Err)
		}
		id := strings.TrimPrefix(o.Key, s.prefix)
		if !validID(id) || !o.LastModified.Before(before) {
			continue
		}
		if err := s.Delete(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
