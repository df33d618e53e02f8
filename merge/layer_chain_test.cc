#include "merge/layer_chain.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "merge/testing_reference.h"

namespace snapsim::merge {
namespace {

using testing::Bytes;
using testing::Expand;

constexpr uint64_t kDiskBytes = 64;

struct RandomChain {
  LayerChain chain;
  std::vector<Bytes> layers;  // reference, bottom first
};

RandomChain GenChain(size_t min_depth) {
  RandomChain out;
  const size_t depth = *rc::gen::inRange<size_t>(min_depth, 7);
  for (size_t i = 0; i < depth; ++i) {
    ExtentMap map(kDiskBytes);
    Bytes bytes(kDiskBytes);
    for (const auto& op :
         *rc::gen::container<std::vector<testing::Op>>(testing::GenOp(kDiskBytes))) {
      testing::Apply(op, &map, &bytes);
    }
    out.chain.Push(std::move(map));
    out.layers.push_back(std::move(bytes));
  }
  return out;
}

// Topmost allocated byte wins.
Bytes ReferenceView(const std::vector<Bytes>& layers, size_t count) {
  Bytes view(kDiskBytes);
  for (size_t i = 0; i < count; ++i) {
    for (size_t b = 0; b < kDiskBytes; ++b) {
      if (layers[i][b]) view[b] = layers[i][b];
    }
  }
  return view;
}

void AssertLayersMatch(const LayerChain& chain, const std::vector<Bytes>& layers) {
  RC_ASSERT(chain.depth() == layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    RC_ASSERT(testing::WellFormed(chain.layer(i)));
    RC_ASSERT(Expand(chain.layer(i), kDiskBytes) == layers[i]);
  }
}

RC_GTEST_PROP(LayerChainProperty, ViewIsTheTopmostAllocatedByte, ()) {
  RandomChain c = GenChain(0);
  const ExtentMap view = c.chain.View();
  RC_ASSERT(testing::WellFormed(view));
  RC_ASSERT(Expand(view, kDiskBytes) == ReferenceView(c.layers, c.layers.size()));
  for (size_t i = 0; i < c.layers.size(); ++i) {
    RC_ASSERT(Expand(c.chain.ViewAt(i), kDiskBytes) == ReferenceView(c.layers, i + 1));
  }
}

RC_GTEST_PROP(LayerChainProperty, CommitWritesChildOverParentAndKeepsTheView, ()) {
  RandomChain c = GenChain(2);
  const size_t index = *rc::gen::inRange<size_t>(1, c.layers.size());
  const Bytes view_before = ReferenceView(c.layers, c.layers.size());
  RC_ASSERT(c.chain.Commit(index).ok());
  for (size_t b = 0; b < kDiskBytes; ++b) {
    if (c.layers[index][b]) c.layers[index - 1][b] = c.layers[index][b];
  }
  c.layers.erase(c.layers.begin() + static_cast<ptrdiff_t>(index));
  AssertLayersMatch(c.chain, c.layers);
  RC_ASSERT(Expand(c.chain.View(), kDiskBytes) == view_before);
}

RC_GTEST_PROP(LayerChainProperty, ForwardMergeFillsOnlyHolesAndKeepsTheView, ()) {
  RandomChain c = GenChain(2);
  const size_t index = *rc::gen::inRange<size_t>(0, c.layers.size() - 1);
  const Bytes view_before = ReferenceView(c.layers, c.layers.size());
  RC_ASSERT(c.chain.ForwardMerge(index).ok());
  for (size_t b = 0; b < kDiskBytes; ++b) {
    if (!c.layers[index + 1][b]) c.layers[index + 1][b] = c.layers[index][b];
  }
  c.layers.erase(c.layers.begin() + static_cast<ptrdiff_t>(index));
  AssertLayersMatch(c.chain, c.layers);
  RC_ASSERT(Expand(c.chain.View(), kDiskBytes) == view_before);
}

RC_GTEST_PROP(LayerChainProperty, DiscardForgetsThatLayerOnly, ()) {
  RandomChain c = GenChain(1);
  const size_t index = *rc::gen::inRange<size_t>(0, c.layers.size());
  RC_ASSERT(c.chain.Discard(index).ok());
  c.layers.erase(c.layers.begin() + static_cast<ptrdiff_t>(index));
  AssertLayersMatch(c.chain, c.layers);
  RC_ASSERT(Expand(c.chain.View(), kDiskBytes) == ReferenceView(c.layers, c.layers.size()));
}

RC_GTEST_PROP(LayerChainProperty, FlattenKeepsTheView, ()) {
  RandomChain c = GenChain(1);
  const Bytes view_before = ReferenceView(c.layers, c.layers.size());
  c.chain.Flatten();
  RC_ASSERT(c.chain.depth() == 1u);
  RC_ASSERT(Expand(c.chain.layer(0), kDiskBytes) == view_before);
}

TEST(LayerChain, RefusesMergesThatHaveNoTarget) {
  LayerChain chain;
  chain.Push(ExtentMap(16));
  EXPECT_EQ(chain.Commit(0).fault(), Fault::kInternal);
  EXPECT_EQ(chain.ForwardMerge(0).fault(), Fault::kInternal);
  EXPECT_EQ(chain.Discard(3).fault(), Fault::kInternal);
  EXPECT_EQ(chain.depth(), 1u);
}

TEST(LayerChain, ZeroExtentsHideTheLayerBelow) {
  ExtentMap base(16), top(16);
  base.Write(0, 16, FillSource{5});
  top.Write(4, 4, ZeroSource{});
  const ExtentMap view = ChainView(std::vector<ExtentMap>{base, top});
  ASSERT_EQ(view.extents().size(), 3u);
  EXPECT_EQ(view.extents()[1], (Extent{4, 4, ZeroSource{}}));
}

}  // namespace
}  // namespace snapsim::merge
