/*
 * Tests of src/shape-infer-resize.c on hand-built graphs: Resize output dims from scales (with
 * tf_crop_and_resize's roi), from sizes, and from opset-18 axes with keep_aspect_ratio_policy;
 * dims left unknown when scales are not constants or X's dims are not known; Upsample from its
 * opset-7 attribute and opset-9 input; DepthToSpace and SpaceToDepth dims, unknown dims carried
 * through, and each error with a substring of its message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "infer-builder.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

/* Parses "1,3,8" into a shape ("" is a scalar, "-1" an unknown dim). */
static void test_resize_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  const float scales[4] = {1.0f, 1.0f, 0.6f, 2.5f};
  const int64_t sizes[4] = {1, 3, 7, 1};
  const float roi[8] = {0.0f, 0.0f, 0.25f, 0.0f, 1.0f, 1.0f, 0.75f, 0.5f};
  input(g, "x", OPS_DTYPE_F32, "1,3,5,4");
  input(g, "u", OPS_DTYPE_U8, "-1,3,5,4");
  input(g, "live", OPS_DTYPE_F32, "4");
  init(g, "scales", OPS_DTYPE_F32, "4", scales, sizeof scales);
  init(g, "sizes", OPS_DTYPE_I64, "4", sizes, sizeof sizes);
  init(g, "roi", OPS_DTYPE_F32, "8", roi, sizeof roi);
  node(g, "Resize", NAMES("x", "", "scales"), NAMES("a"));
  node(g, "Resize", NAMES("x", "", "", "sizes"), NAMES("b"));
  /* Unknown dims stay unknown; the output keeps X's dtype. */
  node(g, "Resize", NAMES("u", "", "scales"), NAMES("c"));
  node(g, "Resize", NAMES("x", "", "live"), NAMES("d"));
  /* tf_crop_and_resize: floor(5 * 0.5 * 0.6) = 1, floor(4 * 0.5 * 2.5) = 5. */
  attr_string(node(g, "Resize", NAMES("x", "roi", "scales"), NAMES("e")),
              "coordinate_transformation_mode", "tf_crop_and_resize");
  run_ok(g);
  check(g, "a", OPS_DTYPE_F32, "[1, 3, 3, 10]");
  check(g, "b", OPS_DTYPE_F32, "[1, 3, 7, 1]");
  check(g, "c", OPS_DTYPE_U8, "[?, 3, 3, 10]");
  check(g, "d", OPS_DTYPE_F32, "[?, ?, ?, ?]");
  check(g, "e", OPS_DTYPE_F32, "[1, 3, 1, 5]");
  ops_graph_free(g);

  /* Opset 18: axes and keep_aspect_ratio_policy. sizes [10, 10] on [5, 4] asks for scales 2
   * and 2.5: not_larger takes 2 -> [10, 8], not_smaller 2.5 -> [13, 10] (12.5 rounds up). */
  const int64_t hw[2] = {10, 10};
  static const char *const policy_of[2] = {"not_larger", "not_smaller"};
  static const char *const want_of[2] = {"[1, 3, 10, 8]", "[1, 3, 13, 10]"};
  for (int k = 0; k < 2; k++) {
    g = graph_new(18);
    input(g, "x", OPS_DTYPE_F32, "1,3,5,4");
    init(g, "sizes", OPS_DTYPE_I64, "2", hw, sizeof hw);
    struct ops_node *n = node(g, "Resize", NAMES("x", "", "", "sizes"), NAMES("y"));
    attr_ints(n, "axes", 2, (const int64_t[]){-2, 3});
    attr_string(n, "keep_aspect_ratio_policy", policy_of[k]);
    run_ok(g);
    check(g, "y", OPS_DTYPE_F32, want_of[k]);
    ops_graph_free(g);
  }
}

static void test_upsample_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(7);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,3");
  struct ops_attr *a =
      attr_add(node(g, "Upsample", NAMES("x"), NAMES("y")), "scales", OPS_ATTR_FLOATS);
  a->floats = calloc(4, sizeof *a->floats);
  assert_non_null(a->floats);
  a->floats[0] = a->floats[1] = 1.0f;
  a->floats[2] = 2.0f;
  a->floats[3] = 1.5f;
  a->count = 4;
  run_ok(g);
  check(g, "y", OPS_DTYPE_F32, "[1, 1, 4, 4]");
  ops_graph_free(g);

  g = graph_new(9);
  const float scales[3] = {1.0f, 3.0f, 2.0f};
  input(g, "x", OPS_DTYPE_I64, "2,2,2");
  init(g, "s", OPS_DTYPE_F32, "3", scales, sizeof scales);
  node(g, "Upsample", NAMES("x", "s"), NAMES("y"));
  run_ok(g);
  check(g, "y", OPS_DTYPE_I64, "[2, 6, 4]");
  ops_graph_free(g);
}

static void test_resize_errors(void **state) {
  (void)state;
  const float scales[4] = {1.0f, 1.0f, 2.0f, 2.0f};
  const float three[3] = {1.0f, 2.0f, 2.0f};
  const int64_t sizes[4] = {1, 1, 4, 4};

  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,2");
  init(g, "scales", OPS_DTYPE_F32, "4", scales, sizeof scales);
  init(g, "sizes", OPS_DTYPE_I64, "4", sizes, sizeof sizes);
  node(g, "Resize", NAMES("x", "", "scales", "sizes"), NAMES("y"));
  run_fails(g, "node 'n' (Resize): has both scales and sizes; expected exactly one of them");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,2");
  init(g, "scales", OPS_DTYPE_F32, "3", three, sizeof three);
  node(g, "Resize", NAMES("x", "", "scales"), NAMES("y"));
  run_fails(g, "scales 'scales' has 3 values, expected 4");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,2");
  init(g, "scales", OPS_DTYPE_F32, "4", scales, sizeof scales);
  attr_string(node(g, "Resize", NAMES("x", "", "scales"), NAMES("y")), "nearest_mode", "round");
  run_fails(g,
            "attribute 'nearest_mode' is 'round', expected one of round_prefer_floor, "
            "round_prefer_ceil, floor, ceil");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,2");
  init(g, "scales", OPS_DTYPE_F32, "4", scales, sizeof scales);
  attr_int(node(g, "Resize", NAMES("x", "", "scales"), NAMES("y")), "antialias", 2);
  run_fails(g, "attribute 'antialias' is 2, expected 0 or 1");

  g = graph_new(18);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,2");
  init(g, "scales", OPS_DTYPE_F32, "4", scales, sizeof scales);
  attr_ints(node(g, "Resize", NAMES("x", "", "scales"), NAMES("y")), "axes", 2,
            (const int64_t[]){3, -1});
  run_fails(g, "axis 3 appears twice in attribute 'axes'");

  /* Resize-10 has no cubic. */
  g = graph_new(10);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,2");
  init(g, "scales", OPS_DTYPE_F32, "4", scales, sizeof scales);
  attr_string(node(g, "Resize", NAMES("x", "scales"), NAMES("y")), "mode", "cubic");
  run_fails(g, "attribute 'mode' is 'cubic', expected one of nearest, linear");
}

static void test_depth_space_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,8,3,-1");
  input(g, "z", OPS_DTYPE_BOOL, "1,2,4,6");
  attr_int(node(g, "DepthToSpace", NAMES("x"), NAMES("y")), "blocksize", 2);
  attr_int(node(g, "SpaceToDepth", NAMES("z"), NAMES("w")), "blocksize", 2);
  run_ok(g);
  check(g, "y", OPS_DTYPE_F32, "[2, 2, 6, ?]");
  check(g, "w", OPS_DTYPE_BOOL, "[1, 8, 2, 3]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,1,4,6");
  attr_int(node(g, "SpaceToDepth", NAMES("x"), NAMES("y")), "blocksize", 4);
  run_fails(g, "node 'n' (SpaceToDepth): dim 3 (6) is not a multiple of blocksize 4");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,4,6");
  attr_int(node(g, "DepthToSpace", NAMES("x"), NAMES("y")), "blocksize", 2);
  run_fails(g, "input 0 'x' has rank 3, expected 4 (N, C, H, W)");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,4,2,2");
  node(g, "DepthToSpace", NAMES("x"), NAMES("y"));
  run_fails(g, "required attribute 'blocksize' is missing");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,4,2,2");
  struct ops_node *n = node(g, "DepthToSpace", NAMES("x"), NAMES("y"));
  attr_int(n, "blocksize", 2);
  attr_string(n, "mode", "dcr");
  run_fails(g, "attribute 'mode' is 'dcr', expected DCR or CRD");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resize_dims),
      cmocka_unit_test(test_upsample_dims),
      cmocka_unit_test(test_resize_errors),
      cmocka_unit_test(test_depth_space_dims),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
